package dev.lockplane.cli;

import dev.lockplane.LockplaneException;
import dev.lockplane.backup.cli.BackupCommand;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.PlanReport;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.schema.DatabaseSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code lockplane} command. Exit codes: 0 nothing to do (or applied), 2 changes or drift
 * found, 1 error.
 *
 * <pre>
 * lockplane plan --url jdbc:postgresql://host/db --schema schema/ --format json --out plan.json
 * lockplane apply --url ... --plan plan.json
 * lockplane validate --url ... --schema schema/ --safety strict --format markdown
 * lockplane backup create --repo /backups --pgdata ...   (see docs/backups.md)
 * </pre>
 */
public final class Main {
  /** Exit code: no change, no drift, or the apply succeeded. */
  public static final int OK = 0;
  /** Exit code: an error. */
  public static final int ERROR = 1;
  /** Exit code: the plan has changes, drift was found, or validation found steps above the accepted risk. */
  public static final int CHANGES = 2;

  private Main() {}

  /**
   * Runs the command and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command.
   *
   * @param args the arguments
   * @param out where results go
   * @param err where errors go
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("backup")) {
      // the backup commands have their own options and exit codes (see docs/backups.md)
      return BackupCommand.run(java.util.Arrays.asList(args).subList(1, args.length), out, err);
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("lockplane: " + e.getMessage());
      err.println(Options.USAGE);
      return ERROR;
    }
    if (o.command == null || o.command.equals("help")) {
      out.println(Options.USAGE);
      return o.command == null ? ERROR : OK;
    }
    try {
      return execute(o, out, err);
    } catch (LockplaneException e) {
      err.println("lockplane: " + e.getMessage());
      return ERROR;
    } catch (IOException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
      err.println("lockplane: " + e.getMessage());
      return ERROR;
    }
  }

  private static int execute(Options o, PrintStream out, PrintStream err) throws IOException {
    Planner.Builder b = Lockplane.planner();
    if (o.lockTimeout != null) {
      b.lockTimeout(Duration.parse(o.lockTimeout));
    }
    if (o.statementTimeout != null) {
      b.statementTimeout(Duration.parse(o.statementTimeout));
    }
    if (o.scratchUrl != null) {
      b.scratchServer(o.scratchUrl, o.user, o.password);
    }
    if (o.safety != null) {
      try {
        b.safety(SafetyLevel.valueOf(o.safety.toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--safety is strict, moderate or permissive, not " + o.safety);
      }
    }
    Planner planner = b.build();
    UrlDataSource target = new UrlDataSource(o.require("url", o.url), o.user, o.password);
    switch (o.command) {
      case "introspect" -> {
        DatabaseSchema s = planner.introspect(target);
        out.print(o.json() ? Planner.toJson(s) : Planner.toSql(s));
        return OK;
      }
      case "plan" -> {
        Plan plan = planner.plan(target, desired(o));
        String text = PlanReport.render(plan, ReportFormat.valueOf(o.format.toUpperCase(java.util.Locale.ROOT)));
        if (o.out != null) {
          Files.writeString(Path.of(o.out), Planner.toJson(plan), StandardCharsets.UTF_8);
        }
        out.print(text);
        return plan.isEmpty() ? OK : CHANGES;
      }
      case "apply", "rollback" -> {
        Plan plan;
        if (o.plan != null) {
          plan = Planner.planFromJson(Files.readString(Path.of(o.plan), StandardCharsets.UTF_8), o.plan);
          if (o.command.equals("rollback")) {
            plan = plan.reverse();
          }
        } else if (o.command.equals("apply")) {
          plan = planner.plan(target, desired(o));
        } else {
          throw new IllegalArgumentException("rollback needs --plan FILE (the plan that was applied)");
        }
        if (plan.isEmpty()) {
          out.println("nothing to apply");
          return OK;
        }
        ApplyResult r = planner.apply(plan, target);
        out.println("applied " + r.stepsApplied() + " step(s) in " + r.duration().toMillis() + " ms; schema "
            + r.resultHash() + " (history id " + r.historyId() + ")");
        return OK;
      }
      case "validate" -> {
        return ValidateCommand.run(o, planner, target, desired(o), out, err);
      }
      case "drift" -> {
        DriftReport r = planner.drift(target, desired(o));
        out.print(o.json() ? Planner.toJson(r) : r.toText());
        return r.isEmpty() ? OK : CHANGES;
      }
      default -> throw new IllegalArgumentException("unknown command " + o.command);
    }
  }

  private static Desired desired(Options o) {
    Path p = Path.of(o.require("schema", o.schema));
    return p.toString().endsWith(".json") ? Desired.json(p) : Desired.sqlFiles(p);
  }
}
