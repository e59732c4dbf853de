package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyBackup;
import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.Difference;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.InterruptedRun;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies a plan: verifies its digest, marks runs a killed process left {@code running} as
 * interrupted, checks the source hash and the rows the plan would destroy, runs the steps
 * (consecutive transactional steps in one transaction, the others alone), checks that the result is
 * the plan's target, and records the run in the history table.
 */
public final class Applier {
  private Applier() {}

  /**
   * How an apply is done: timeouts, schema reader, listener, whether rows may be destroyed, and the
   * backup taken first ({@code backup} null for none).
   */
  public record Options(Duration lockTimeout, Duration statementTimeout,
      Function<Connection, DatabaseSchema> introspect, ApplyListener listener, boolean allowDataLoss,
      Duration lockWait, ApplyBackup backup, ApplyBackup.When backupWhen) {}

  /**
   * Throws unless the plan's digest matches its content: a plan file edited after it was written, or
   * written before plans had a digest, is not run.
   */
  public static void verifyDigest(Plan plan) {
    if (plan.digest() == null) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "The plan has no digest: it was written by a Lockplane "
          + "version that did not protect plan files against changes, so what it would run cannot be verified. "
          + "Make a new plan against the database and apply that.");
    }
    String actual = plan.computeDigest();
    if (!actual.equals(plan.digest())) {
      throw new LockplaneException(ErrorCode.CORRUPTED, "The plan was modified since it was created: its steps no "
          + "longer match its digest (recorded " + plan.digest() + ", content now " + actual + "). Nothing was "
          + "applied. Do not edit plan files; change the desired schema and make a new plan.");
    }
  }

  /**
   * Applies a plan through a connection the caller keeps (left in autocommit mode). On PostgreSQL the
   * whole apply holds the database's apply lock (see {@link ApplyLock}), taken on {@code lockSession}.
   *
   * @param plan the plan
   * @param c the connection the steps run on
   * @param lockSession the session that holds the apply lock: a second connection to the same database
   *     that does nothing else, or {@code c} itself
   * @param o how to apply
   * @return what was applied
   */
  public static ApplyResult apply(Plan plan, Connection c, Connection lockSession, Options o) {
    verifyDigest(plan);
    if (plan.dialect() == Dialect.SQLITE) {
      return locked(plan, c, o);
    }
    ApplyLock lock;
    try {
      lock = ApplyLock.acquire(lockSession, o.lockWait(), o.listener()::waitingForApplyLock);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot take the apply lock: " + e.getMessage(), e);
    }
    try (lock) {
      return locked(plan, c, o);
    }
  }

  private static ApplyResult locked(Plan plan, Connection c, Options o) {
    boolean sqlite = plan.dialect() == Dialect.SQLITE;
    try {
      c.setAutoCommit(true);
      ApplyHistory.ensure(c, sqlite);
      List<InterruptedRun> interrupted = ApplyHistory.markInterrupted(c, sqlite);
      interrupted.forEach(o.listener()::interruptedRunFound);
      DatabaseSchema before = o.introspect().apply(c);
      String hash = SchemaHash.of(before);
      if (!hash.equals(plan.sourceHash())) {
        throw new LockplaneException(ErrorCode.SCHEMA_CHANGED, "The database schema changed since the plan was made "
            + "(plan source " + plan.sourceHash() + ", database now " + hash + ")" + whatChanged(plan, before)
            + ". Make a new plan against the database as it is now." + notes(interrupted));
      }
      try {
        DataLossCheck.check(plan, before, c, o.allowDataLoss());
      } catch (LockplaneException e) {
        throw new LockplaneException(e.code(), e.getMessage() + notes(interrupted), e);
      }
      if (!sqlite) {
        try (Statement s = c.createStatement()) {
          s.execute("SET lock_timeout = " + o.lockTimeout().toMillis());
          s.execute("SET statement_timeout = " + o.statementTimeout().toMillis());
          // Function bodies may refer to tables created later in the same plan.
          s.execute("SET check_function_bodies = off");
        }
      }
      String backupId = backUp(plan, c, hash, o);
      Instant started = Instant.now();
      long id = ApplyHistory.start(c, sqlite, plan, started, backupId);
      StepRunner runner = new StepRunner(c, plan.steps(), o.listener());
      try {
        runner.runAll();
      } catch (StepRunner.Failure f) {
        throw failed(c, sqlite, id, started, runner, f, interrupted);
      }
      resetSettings(c, sqlite);
      DatabaseSchema result = o.introspect().apply(c);
      String after = SchemaHash.of(result);
      Duration d = Duration.between(started, Instant.now());
      if (!after.equals(plan.targetHash())) {
        String message = "Every step of the plan ran and was committed, but the database's schema is not the "
            + "plan's target (target " + plan.targetHash() + ", database now " + after + "): something else "
            + "changed the schema while the plan ran (a concurrent change, a trigger or an event trigger), or the "
            + "plan did not do what it claims. Compare the database with the desired schema (drift) and make a "
            + "new plan." + notes(interrupted);
        ApplyHistory.finish(c, sqlite, id, "failed", after, d, message);
        throw new LockplaneException(ErrorCode.APPLY_FAILED, message);
      }
      ApplyHistory.finish(c, sqlite, id, "applied", after, d, null);
      return new ApplyResult(id, hash, after, plan.steps().size(), started, d, interrupted, backupId);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot apply the plan: " + e.getMessage(), e);
    }
  }

  /**
   * Takes the configured backup when the plan calls for one. Runs after the checks, so a refused plan
   * costs no backup, and before the history row, so a failed backup leaves no row.
   */
  private static String backUp(Plan plan, Connection c, String hash, Options o) throws SQLException {
    if (o.backup() == null || !o.backupWhen().appliesTo(plan)) {
      return null;
    }
    // Query parameters may carry a password; the backup needs only where the database is.
    String url = c.getMetaData().getURL().replaceFirst("\\?.*$", "");
    String database = plan.dialect() == Dialect.SQLITE ? url.substring(url.indexOf(':', 5) + 1) : c.getCatalog();
    String id;
    try {
      id = o.backup().backUp(new ApplyBackup.Target(plan.dialect(), url, database, hash, plan));
    } catch (LockplaneException e) {
      throw new LockplaneException(e.code(), "The backup before the apply failed, so nothing was applied: "
          + e.getMessage(), e);
    }
    if (id == null || id.isBlank()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The backup before the apply returned no backup "
          + "id, so nothing was applied: an ApplyBackup must return the id of the backup it took.");
    }
    return id;
  }

  /** Records a failed run (when the connection still works) and builds the exception that explains it. */
  private static LockplaneException failed(Connection c, boolean sqlite, long id, Instant started, StepRunner runner,
      StepRunner.Failure f, List<InterruptedRun> interrupted) {
    boolean alive = isAlive(c);
    StringBuilder m = new StringBuilder(f.getMessage()).append('\n').append(runner.committed());
    if (!alive) {
      m.append("\nThe connection to the database was lost");
    }
    String message = m.toString();
    String history;
    try {
      if (!alive) {
        throw new LockplaneException(ErrorCode.DATABASE_ERROR, "the connection is closed");
      }
      resetSettings(c, sqlite);
      ApplyHistory.finish(c, sqlite, id, "failed", null, Duration.between(started, Instant.now()), message);
      history = "\nRecorded as failed in " + ApplyHistory.table(sqlite) + " (#" + id + ").";
    } catch (LockplaneException | SQLException e) {
      history = (alive ? "\n" : "; ") + "history row #" + id + " in " + ApplyHistory.table(sqlite)
          + " could not be updated (" + e.getMessage() + "); the next apply marks it interrupted.";
    }
    LockplaneException e = new LockplaneException(ErrorCode.APPLY_FAILED, message + history + notes(interrupted),
        f.getCause());
    f.suppressed().forEach(e::addSuppressed);
    return e;
  }

  private static boolean isAlive(Connection c) {
    try {
      return !c.isClosed() && c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private static void resetSettings(Connection c, boolean sqlite) throws SQLException {
    if (!sqlite) {
      try (Statement s = c.createStatement()) {
        s.execute("RESET lock_timeout");
        s.execute("RESET statement_timeout");
        s.execute("RESET check_function_bodies");
      }
    }
  }

  private static String notes(List<InterruptedRun> interrupted) {
    return interrupted.stream().map(r -> "\nNote: " + r.toText() + ".").collect(Collectors.joining());
  }

  private static String whatChanged(Plan plan, DatabaseSchema now) {
    if (plan.source() == null) {
      return "";
    }
    DriftReport r = DriftComputer.compare(now, plan.source());
    List<String> lines = r.differences().stream().limit(20).map(Difference::toText).toList();
    return lines.isEmpty() ? "" : "; what differs in the database compared with the plan's source: "
        + lines.stream().collect(Collectors.joining("; ")) + (r.differences().size() > 20 ? "; ..." : "");
  }
}
