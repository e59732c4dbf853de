package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.SchemaStatus;
import dev.lockplane.planner.Ownership;
import dev.lockplane.planner.Planner;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane status}: at the desired state, behind, ahead, or drifted. */
@Command(name = "status", description = {"Say whether the database is at, behind, ahead of or drifted from --schema.",
    "Decided from the live and desired schema hashes and the apply history.",
    "Also lists the deprecated columns (see -- lockplane: deprecated) still in the database after their removal date.",
    "Exit 0: at the desired state; 2: behind, ahead or drifted."})
final class StatusCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;
  @Mixin OutputOptions output;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Planners.requireSchema(spec, connection, schema);
    Target target = connection.target(cli, spec).requireExisting("status");
    Planner planner = Planners.build(cli, spec, connection, schema, null, null);
    reporter().progress("comparing " + target.shown() + " with " + schema.schema);
    SchemaStatus s = planner.status(target.dataSource(), schema.desired());
    Ownership ownership = Ownership.of(schema.desired());
    List<String> overdue = ownership.objects().values().stream().anyMatch(o -> o.deprecated() != null)
        ? ownership.pastRemoval(planner.introspect(target.dataSource()), LocalDate.now(ZoneOffset.UTC)) : List.of();
    if (format == Format.JSON) {
      Map<String, Object> json = new TreeMap<>();
      json.put("command", "status");
      json.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
      json.put("liveHash", s.liveHash());
      json.put("desiredHash", s.desiredHash());
      json.put("explanation", s.explanation());
      if (s.lastApplied() != null) {
        json.put("lastApplied", HistoryCommand.json(s.lastApplied()));
      }
      json.put("differences", s.drift().differences().stream().map(d -> d.toText()).toList());
      json.put("pastRemovalDate", overdue);
      cli.out().print(Json.write(json));
    } else {
      StringBuilder b = new StringBuilder(s.toText());
      if (!overdue.isEmpty()) {
        b.append("deprecated columns past their removal date:\n");
        overdue.forEach(o -> b.append("  ").append(o).append('\n'));
      }
      cli.out().print(b);
    }
    return s.state() == SchemaStatus.State.AT_DESIRED_STATE ? Main.OK : Main.CHANGES;
  }
}
