package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.ReportFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane history}: the applies recorded in a database, or the plan of one. */
@Command(name = "history", description = {"List the applies recorded in the database, oldest first.",
    "Each: when, by whom (database user, client address and host), schema hashes before and after, duration, outcome.",
    "--show-plan ID prints the plan that entry applied. Exit 0."})
final class HistoryCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--show-plan", paramLabel = "ID", description = "Print the plan of history entry ID.")
  Long showPlan;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Target target = connection.target(cli, spec).requireExisting("history");
    Planner planner = Lockplane.planner().build();
    if (showPlan != null) {
      Plan p = planner.historyPlan(target.dataSource(), showPlan).orElseThrow(() -> new LockplaneException(
          ErrorCode.NOT_FOUND, "No history entry #" + showPlan + " in " + target.shown()
              + ": 'lockplane history' lists the entries."));
      cli.out().print(format == Format.JSON ? Planner.toJson(p) : PlanReport.render(p, ReportFormat.TEXT));
      return Main.OK;
    }
    List<HistoryEntry> entries = planner.history(target.dataSource());
    if (format == Format.JSON) {
      Map<String, Object> json = new TreeMap<>();
      json.put("command", "history");
      json.put("entries", entries.stream().map(HistoryCommand::json).toList());
      cli.out().print(Json.write(json));
    } else if (entries.isEmpty()) {
      cli.out().print("no applies recorded\n");
    } else {
      StringBuilder b = new StringBuilder();
      for (HistoryEntry e : entries) {
        b.append(e.toText()).append('\n');
        if (e.error() != null && verbosity.verbose) {
          b.append("    ").append(e.error().replace("\n", "\n    ")).append('\n');
        }
      }
      cli.out().print(b);
    }
    return Main.OK;
  }

  /** One entry as JSON: absent values are left out. */
  static Map<String, Object> json(HistoryEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("started", e.started().toString());
    if (e.duration() != null) {
      m.put("durationMs", e.duration().toMillis());
    }
    m.put("outcome", e.outcome().toString());
    m.put("steps", e.steps());
    m.put("sourceHash", e.sourceHash());
    m.put("targetHash", e.targetHash());
    putIfPresent(m, "resultHash", e.resultHash());
    putIfPresent(m, "user", e.user());
    putIfPresent(m, "clientAddress", e.clientAddress());
    putIfPresent(m, "clientHost", e.clientHost());
    putIfPresent(m, "error", e.error());
    return new TreeMap<>(m);
  }

  private static void putIfPresent(Map<String, Object> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
