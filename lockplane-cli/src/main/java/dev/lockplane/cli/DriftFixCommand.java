package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockplane drift fix}: bring a drifted database back to the desired schema — the plan shown
 * with its risk report and applied after a yes — or, with {@code --adopt}, first write the tables
 * and columns only the database has into the desired schema, so that they are kept, not dropped.
 */
@Command(name = "fix", description = {
    "Plan the changes that bring the database to --schema, show them with their risk report, and apply after "
        + "confirmation (--yes: without asking; required without a terminal).",
    "--adopt: first write the tables and columns only the database has into the desired schema (SQL: appended; "
        + "JSON: into the model), so that they are kept instead of dropped.",
    "Exit 0: fixed or nothing to fix; 1: not applied."})
final class DriftFixCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;
  @Mixin TimeoutOptions timeouts;

  @Option(names = "--safety", paramLabel = "LEVEL", converter = LowercaseEnum.Safety.class,
      description = "strict, moderate (default) or permissive.")
  SafetyLevel safety;

  @Option(names = "--yes", description = "Apply without asking (for CI).")
  boolean yes;

  @Option(names = "--adopt", description = "Keep what only the database has: write it into the desired schema.")
  boolean adopt;

  /** Standard input, read line by line: one reader for both questions, so that neither loses the other's answer. */
  private BufferedReader answers;

  @Override
  int execute() throws Exception {
    Planners.requireSchema(spec, connection, schema);
    if (!yes && !cli.terminal()) {
      throw usage("drift fix asks before it changes the database (or the desired schema), and there is no terminal "
          + "to ask on. Review with 'lockplane drift' and 'lockplane plan', then pass --yes.");
    }
    Target target = connection.target(cli, spec).requireExisting("drift fix");
    Planner planner = Planners.build(cli, spec, connection, schema, safety, timeouts);
    reporter().progress("comparing " + target.shown() + " with " + schema.schema);
    DriftReport drift = planner.drift(target.dataSource(), schema.desired());
    if (drift.isEmpty()) {
      cli.out().print("no drift: " + target.shown() + " has the desired schema\n");
      return Main.OK;
    }
    cli.out().print(drift.toText());
    if (adopt) {
      adopt(planner, target);
    }
    reporter().progress("planning " + target.shown() + " to " + schema.schema);
    Plan plan = planner.plan(target.dataSource(), schema.desired());
    if (plan.isEmpty()) {
      cli.out().print("nothing to apply: the desired schema now matches the database\n");
      return Main.OK;
    }
    cli.out().print(PlanReport.render(plan, ReportFormat.TEXT));
    if (!yes && !ask("Apply " + plan.steps().size() + " step" + (plan.steps().size() == 1 ? "" : "s") + " to "
        + target.shown() + "?")) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "Not applied: the answer was not yes.");
    }
    return ApplyCommand.applyAndReport(cli, reporter(), planner, plan, target, Format.TEXT, "drift fix");
  }

  private void adopt(Planner planner, Target target) throws Exception {
    DatabaseSchema live;
    DatabaseSchema wanted;
    try (Connection c = target.dataSource().getConnection()) {
      live = planner.introspect(c);
      int major = live.dialect() == Dialect.POSTGRESQL ? c.getMetaData().getDatabaseMajorVersion() : 0;
      wanted = planner.load(schema.desired(), live.dialect(), major);
    }
    DriftAdoption.Extras extras = DriftAdoption.extras(live, wanted);
    if (extras.isEmpty()) {
      cli.out().print("nothing to adopt: the database has no table or column the desired schema lacks\n");
      return;
    }
    StringBuilder b = new StringBuilder("only in the database, to be written into " + schema.schema + ":\n");
    extras.describe().forEach(d -> b.append("  ").append(d).append('\n'));
    cli.out().print(b);
    if (!yes && !ask("Write them into " + schema.schema + "?")) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "Not adopted: the answer was not yes.");
    }
    Path written = DriftAdoption.adopt(schema.schema, live, extras);
    cli.out().print("adopted " + extras.describe().size() + " object" + (extras.describe().size() == 1 ? "" : "s")
        + " into " + written + "\n");
  }

  private boolean ask(String question) throws java.io.IOException {
    cli.out().print(question + " [y/N] ");
    cli.out().flush();
    if (answers == null) {
      answers = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8));
    }
    String answer = answers.readLine();
    return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
  }
}
