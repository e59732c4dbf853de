package dev.lockplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.PlanValidation;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.safety.ValidationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane validate}: plan against the target, then shadow-validate on a thin clone of it. */
@Command(name = "validate", description = {
    "Plan to --schema, run the plan and its rollback on a thin clone, and print what was measured.",
    "The clone is made on the same server: the role needs CREATEDB.",
    "Exit 0: passed; 2: a step is above --max-risk, fails, or the rollback does not restore."})
final class ValidateCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin SchemaOptions schema;
  @Mixin OutputOptions output;

  @Option(names = "--safety", paramLabel = "LEVEL", converter = LowercaseEnum.Safety.class,
      description = "How risky steps are treated: strict, moderate (default) or permissive.")
  SafetyLevel safety;

  @Option(names = "--max-risk", paramLabel = "CLASS", converter = LowercaseEnum.Risk.class, defaultValue = "review",
      description = "The highest accepted risk class: safe, review (default), lossy, dangerous, multi_phase.")
  RiskClass max;

  @Option(names = "--admin-db", paramLabel = "NAME", defaultValue = "postgres",
      description = "The database used to create clones (default postgres).")
  String adminDb;

  @Override
  int execute() throws IOException {
    ReportFormat format = ReportFormat.valueOf(output.format(spec, Format.TEXT, Format.JSON, Format.MARKDOWN).name());
    Planners.requireSchema(spec, connection, schema);
    Target target = connection.target(cli, spec);
    if (!target.postgres()) {
      throw usage("validate needs a PostgreSQL target (jdbc:postgresql://... or postgres://...), not " + target.shown());
    }
    Planner planner = Planners.build(cli, spec, connection, schema, safety, null);
    String database = JdbcUrls.databaseOf(target.url());
    String adminUrl = JdbcUrls.withDatabase(target.url(), adminDb);
    String user = target.user();
    String password = target.password();
    requireCreatedb(adminUrl, user, password);
    Plan plan;
    try {
      reporter().progress("planning " + target.shown() + " to " + schema.schema);
      plan = planner.plan(target.dataSource(), schema.desired());
    } catch (LockplaneException e) {
      if (e.code() == ErrorCode.UNSAFE_CHANGE) {
        cli.error("lockplane validate: " + e.getMessage());
        return Main.CHANGES;
      }
      throw e;
    }
    PrintStream out = cli.out();
    if (plan.isEmpty()) {
      out.print(PlanReport.render(plan, format));
      return Main.OK;
    }
    // A fresh prefix: a golden of the same database name from an earlier run would be stale.
    String prefix = "lpv_" + UUID.randomUUID().toString().substring(0, 8) + "_";
    ValidationReport report;
    String goldenName = null;
    Reporter reporter = reporter();
    reporter.progress("cloning " + database + " for validation");
    try (CloneManager clones = CloneManagers.databases(adminUrl, user == null ? "" : user,
        password == null ? "" : password).golden(Golden.fromDatabase(database)).databasePrefix(prefix).start()) {
      goldenName = clones.golden().name();
      report = PlanValidation.run(plan, clones, (phase, result) -> reporter.progress(
          "validating: " + phase + " step " + result.number() + " (" + result.wallTime().toMillis() + " ms)"));
    } finally {
      dropGolden(cli, "validate", adminUrl, user, password, prefix, goldenName);
    }
    List<String> above = new ArrayList<>();
    int n = 1;
    for (Step s : plan.steps()) {
      if (s.risk() != null && s.risk().risk().compareTo(max) > 0) {
        above.add("step " + n + " (" + s.description() + ") is " + s.risk().risk());
      }
      n++;
    }
    out.print(render(plan, report, format));
    if (!above.isEmpty() || !report.passed()) {
      above.forEach(a -> cli.error("lockplane validate: " + a + ", above --max-risk " + max.name().toLowerCase(Locale.ROOT)));
      if (!report.passed()) {
        cli.error("lockplane validate: the shadow run " + (report.stepsSucceeded() ? "did not restore the schema on rollback"
            : "had a failing step"));
      }
      return Main.CHANGES;
    }
    return Main.OK;
  }

  private static String render(Plan plan, ValidationReport report, ReportFormat format) throws IOException {
    if (format != ReportFormat.JSON) {
      String sep = format == ReportFormat.MARKDOWN ? "\n" : "\n-- shadow validation\n";
      return PlanReport.render(plan, format) + sep + report.render(format);
    }
    ObjectMapper m = Json.MAPPER;
    ObjectNode doc = m.createObjectNode();
    doc.set("plan", m.readTree(PlanReport.render(plan, ReportFormat.JSON)));
    doc.set("validation", m.readTree(report.render(ReportFormat.JSON)));
    return m.writeValueAsString(doc) + "\n";
  }

  /** Fails when the role cannot create the clone's databases; shared with {@code trace}. */
  static void requireCreatedb(String adminUrl, String user, String password) {
    try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
      if (rs.next() && !rs.getBoolean(2)) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "role " + rs.getString(1)
            + " lacks CREATEDB: validate makes a thin clone of the database on the same server. Run "
            + "ALTER ROLE " + rs.getString(1) + " CREATEDB, or pass --user with a role that has it.");
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot connect to " + JdbcUrls.redact(adminUrl)
          + " to create the clone: " + e.getMessage() + " (use --admin-db to name another database)", e);
    }
  }

  /** Drops the golden a command prepared under its own prefix; shared with {@code trace}. */
  static void dropGolden(Cli cli, String command, String adminUrl, String user, String password, String prefix,
      String golden) {
    if (golden == null || !golden.startsWith(prefix)) {
      return;
    }
    String q = dev.lockplane.internal.sql.Identifiers.quote(golden);
    try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + q + " WITH IS_TEMPLATE false");
      s.execute("DROP DATABASE IF EXISTS " + q);
    } catch (SQLException e) {
      cli.error("lockplane " + command + ": could not drop the golden " + golden + ": " + e.getMessage()
          + " (drop it by hand)");
    }
  }
}
