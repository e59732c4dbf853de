package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.SchemaStatus;
import dev.lockplane.planner.Planner;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane status}: at the desired state, behind, ahead, or drifted. */
@Command(name = "status", description = {"Say whether the database is at, behind, ahead of or drifted from --schema.",
    "Decided from the live and desired schema hashes and the apply history.",
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
      cli.out().print(Json.write(json));
    } else {
      cli.out().print(s.toText());
    }
    return s.state() == SchemaStatus.State.AT_DESIRED_STATE ? Main.OK : Main.CHANGES;
  }
}
