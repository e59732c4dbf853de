package dev.lockplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.PlanValidation;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.ValidationListener;
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

/** {@code lockplane validate}: plan against the target, then shadow-validate on a thin clone of it. */
final class ValidateCommand {
  private ValidateCommand() {}

  static int run(Options o, Planner planner, UrlDataSource target, Desired desired, PrintStream out, PrintStream err)
      throws IOException {
    ReportFormat format = ReportFormat.valueOf(o.format.toUpperCase(Locale.ROOT));
    RiskClass max;
    try {
      max = RiskClass.valueOf(o.maxRisk.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--max-risk is safe, review, lossy, dangerous or multi_phase, not " + o.maxRisk);
    }
    String url = o.require("url", o.url);
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("validate needs a PostgreSQL target (jdbc:postgresql://...), not " + url);
    }
    String database = databaseOf(url);
    String adminUrl = withDatabase(url, o.adminDb);
    requireCreatedb(adminUrl, o.user, o.password);
    Plan plan;
    try {
      plan = planner.plan(target, desired);
    } catch (LockplaneException e) {
      if (e.code() == ErrorCode.UNSAFE_CHANGE) {
        err.println("lockplane: " + e.getMessage());
        return Main.CHANGES;
      }
      throw e;
    }
    if (plan.isEmpty()) {
      out.print(PlanReport.render(plan, format));
      return Main.OK;
    }
    // A fresh prefix: a golden of the same database name from an earlier run would be stale.
    String prefix = "lpv_" + UUID.randomUUID().toString().substring(0, 8) + "_";
    ValidationReport report;
    String goldenName = null;
    try (CloneManager clones = CloneManagers.databases(adminUrl, o.user == null ? "" : o.user,
        o.password == null ? "" : o.password).golden(Golden.fromDatabase(database)).databasePrefix(prefix).start()) {
      goldenName = clones.golden().name();
      report = PlanValidation.run(plan, clones, ValidationListener.NONE);
    } finally {
      dropGolden(adminUrl, o.user, o.password, prefix, goldenName, err);
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
      above.forEach(a -> err.println("lockplane: " + a + ", above --max-risk " + max.name().toLowerCase(Locale.ROOT)));
      if (!report.passed()) {
        err.println("lockplane: the shadow run " + (report.stepsSucceeded() ? "did not restore the schema on rollback"
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
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    ObjectNode doc = m.createObjectNode();
    doc.set("plan", m.readTree(PlanReport.render(plan, ReportFormat.JSON)));
    doc.set("validation", m.readTree(report.render(ReportFormat.JSON)));
    return m.writeValueAsString(doc) + "\n";
  }

  private static void requireCreatedb(String adminUrl, String user, String password) {
    try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
      if (rs.next() && !rs.getBoolean(2)) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "role " + rs.getString(1)
            + " lacks CREATEDB: validate makes a thin clone of the database on the same server. Run "
            + "ALTER ROLE " + rs.getString(1) + " CREATEDB, or pass --user with a role that has it.");
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot connect to " + adminUrl
          + " to create the clone: " + e.getMessage() + " (use --admin-db to name another database)", e);
    }
  }

  private static void dropGolden(String adminUrl, String user, String password, String prefix, String golden,
      PrintStream err) {
    if (golden == null || !golden.startsWith(prefix)) {
      return;
    }
    String q = '"' + golden.replace("\"", "\"\"") + '"';
    try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + q + " WITH IS_TEMPLATE false");
      s.execute("DROP DATABASE IF EXISTS " + q);
    } catch (SQLException e) {
      err.println("lockplane: could not drop the validation golden " + golden + ": " + e.getMessage()
          + " (drop it by hand)");
    }
  }

  static String withDatabase(String url, String db) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    String rest = q < 0 ? "" : url.substring(q);
    return base.substring(0, base.lastIndexOf('/') + 1) + db + rest;
  }

  static String databaseOf(String url) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    return base.substring(base.lastIndexOf('/') + 1);
  }
}
