package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.SafetyLevel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockplane apply}: apply a reviewed plan file, or plan to a schema and apply. Planning and
 * applying in one go shows the plan and asks first; without a terminal to ask on it refuses
 * unless {@code --auto-approve} says not to ask.
 */
@Command(name = "apply", description = {"Apply --plan FILE (written by plan --out), or plan to --schema and apply.",
    "With --schema the plan is shown and confirmed first; --auto-approve skips the question and is",
    "required when there is no terminal. --backup-to REPO backs the database up first (for risky plans,",
    "or --backup-first always) and records the backup id in the history, for 'rollback --via-backup'.",
    "Exit 0: applied or nothing to apply."})
final class ApplyCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;
  @Mixin TimeoutOptions timeouts;
  @Mixin OutputOptions output;
  @Mixin BackupFirstOptions backupFirst;

  @Option(names = "--plan", paramLabel = "FILE", description = "A plan written by 'lockplane plan --out FILE'.")
  Path plan;

  @Option(names = "--safety", paramLabel = "LEVEL", converter = LowercaseEnum.Safety.class,
      description = "With --schema: strict, moderate (default) or permissive.")
  SafetyLevel safety;

  @Option(names = "--auto-approve", description = "With --schema: apply without asking.")
  boolean autoApprove;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    if (plan == null) {
      Planners.withEnvironment(spec, connection, schema);
    }
    if ((plan == null) == (schema.schema == null)) {
      throw usage("give either --plan FILE or --schema FILE|DIR");
    }
    if (plan != null && (safety != null || autoApprove || schema.scratchUrl != null)) {
      throw usage("--safety, --scratch-url and --auto-approve go with --schema; a --plan FILE is applied as reviewed");
    }
    if (schema.schema != null && !autoApprove && !cli.terminal()) {
      throw usage("apply --schema asks before it changes the database, and there is no terminal to ask on. "
          + "Review with 'lockplane plan', then pass --auto-approve, or apply the reviewed plan with --plan FILE.");
    }
    Target target = connection.target(cli, spec);
    dev.lockplane.backup.BackupRepository repo = backupFirst.requested() ? backupFirst.open(cli, spec) : null;
    try (repo) {
      return apply(target, repo, format);
    }
  }

  private int apply(Target target, dev.lockplane.backup.BackupRepository repo, Format format) throws IOException {
    Planner planner = Planners.build(cli, spec, connection, schema, safety, timeouts,
        repo == null ? null : BackupFirstOptions.hook(repo, target), backupFirst.when(spec));
    Plan p;
    if (plan != null) {
      p = Planner.planFromJson(Files.readString(plan, StandardCharsets.UTF_8), plan.toString());
    } else {
      reporter().progress("planning " + target.shown() + " to " + schema.schema);
      p = planner.plan(target.dataSource(), schema.desired());
      if (!p.isEmpty() && !autoApprove && !confirm(p, target)) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "Not applied: the answer was not yes.");
      }
    }
    return applyAndReport(cli, reporter(), planner, p, target, format, "apply");
  }

  private boolean confirm(Plan p, Target target) throws IOException {
    cli.out().print(PlanReport.render(p, ReportFormat.TEXT));
    cli.out().print("Apply " + p.steps().size() + " step" + (p.steps().size() == 1 ? "" : "s") + " to "
        + databaseName(target) + "? [y/N] ");
    cli.out().flush();
    String answer = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8)).readLine();
    return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
  }

  private static String databaseName(Target target) {
    return target.sqlite() ? target.url().substring("jdbc:sqlite:".length()) : JdbcUrls.databaseOf(target.url());
  }

  /** Applies (apply and rollback share it) and prints the result as text or JSON. */
  static int applyAndReport(Cli cli, Reporter reporter, Planner planner, Plan p, Target target, Format format,
      String verb) {
    Map<String, Object> json = new TreeMap<>();
    json.put("command", verb);
    if (p.isEmpty()) {
      json.put("status", "nothing to apply");
      json.put("stepsApplied", 0);
      cli.out().print(format == Format.JSON ? Json.write(json) : "nothing to apply\n");
      return Main.OK;
    }
    ApplyResult r = planner.apply(p, target.dataSource(), new ApplyProgress(reporter));
    json.put("status", "applied");
    json.put("stepsApplied", r.stepsApplied());
    json.put("durationMs", r.duration().toMillis());
    json.put("historyId", r.historyId());
    json.put("sourceHash", r.sourceHash());
    json.put("resultHash", r.resultHash());
    if (r.backupId() != null) {
      json.put("backupId", r.backupId());
    }
    json.put("started", r.started().toString());
    json.put("interruptedRuns", r.interruptedRuns().stream().map(run -> {
      Map<String, Object> m = new TreeMap<>();
      m.put("historyId", run.historyId());
      m.put("started", run.started().toString());
      m.put("sourceHash", run.sourceHash());
      m.put("targetHash", run.targetHash());
      return m;
    }).toList());
    cli.out().print(format == Format.JSON ? Json.write(json) : r.toText() + "\n");
    return Main.OK;
  }
}
