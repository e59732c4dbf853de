package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.Difference;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies a plan: checks the source hash, runs the steps (consecutive transactional steps in one
 * transaction, the others alone), and records the run in the history table.
 */
public final class Applier {
  private Applier() {}

  public static ApplyResult apply(Plan plan, Connection c, Duration lockTimeout, Duration statementTimeout,
      Function<Connection, DatabaseSchema> introspect, ApplyListener listener) {
    boolean sqlite = plan.dialect() == Dialect.SQLITE;
    try {
      c.setAutoCommit(true);
      History.ensure(c, sqlite);
      DatabaseSchema before = introspect.apply(c);
      String hash = SchemaHash.of(before);
      if (!hash.equals(plan.sourceHash())) {
        throw new LockplaneException(ErrorCode.SCHEMA_CHANGED, "The database schema changed since the plan was made "
            + "(plan source " + plan.sourceHash() + ", database now " + hash + ")" + whatChanged(plan, before)
            + ". Make a new plan against the database as it is now.");
      }
      if (!sqlite) {
        try (Statement s = c.createStatement()) {
          s.execute("SET lock_timeout = " + lockTimeout.toMillis());
          s.execute("SET statement_timeout = " + statementTimeout.toMillis());
          // Function bodies may refer to tables created later in the same plan.
          s.execute("SET check_function_bodies = off");
        }
      }
      Instant started = Instant.now();
      long id = History.start(c, sqlite, plan, started);
      int done = 0;
      try {
        List<Step> steps = plan.steps();
        int i = 0;
        while (i < steps.size()) {
          if (!steps.get(i).transactional()) {
            run(c, steps, i, listener);
            i++;
            done = i;
            continue;
          }
          c.setAutoCommit(false);
          int j = i;
          try {
            while (j < steps.size() && steps.get(j).transactional()) {
              run(c, steps, j, listener);
              j++;
            }
            c.commit();
          } catch (RuntimeException | SQLException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          i = j;
          done = j;
        }
      } catch (RuntimeException | SQLException e) {
        Duration d = Duration.between(started, Instant.now());
        History.finish(c, sqlite, id, "failed", null, d, e.getMessage());
        if (e instanceof LockplaneException le) {
          throw new LockplaneException(ErrorCode.APPLY_FAILED, le.getMessage()
              + (done > 0 ? " Steps 1-" + done + " were committed before (they ran outside the failed transaction)." : " Nothing was changed."), le);
        }
        throw new LockplaneException(ErrorCode.APPLY_FAILED, "Applying the plan failed: " + e.getMessage(), e);
      } finally {
        if (!sqlite) {
          try (Statement s = c.createStatement()) {
            s.execute("RESET lock_timeout");
            s.execute("RESET statement_timeout");
            s.execute("RESET check_function_bodies");
          }
        }
      }
      String after = SchemaHash.of(introspect.apply(c));
      Duration d = Duration.between(started, Instant.now());
      History.finish(c, sqlite, id, "applied", after, d, null);
      return new ApplyResult(id, hash, after, plan.steps().size(), started, d);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot apply the plan: " + e.getMessage(), e);
    }
  }

  private static void run(Connection c, List<Step> steps, int index, ApplyListener listener) throws SQLException {
    Step step = steps.get(index);
    listener.stepStarted(index, steps.size(), step);
    long started = System.nanoTime();
    for (String sql : step.sql()) {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new LockplaneException(ErrorCode.APPLY_FAILED, "Step " + (index + 1) + " (" + step.description()
            + ") failed: " + e.getMessage() + "\nStatement: " + sql + "\n", e);
      }
    }
    listener.stepFinished(index, steps.size(), step, Duration.ofNanos(System.nanoTime() - started));
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

  /** The history table, in Lockplane's own schema (PostgreSQL) or a prefixed table (SQLite). */
  static final class History {
    private History() {}

    static String table(boolean sqlite) {
      return sqlite ? "lockplane_history" : "lockplane.history";
    }

    static void ensure(Connection c, boolean sqlite) throws SQLException {
      try (Statement s = c.createStatement()) {
        if (sqlite) {
          s.execute("CREATE TABLE IF NOT EXISTS lockplane_history (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, "
              + "duration_ms INTEGER, source_hash TEXT NOT NULL, target_hash TEXT NOT NULL, result_hash TEXT, "
              + "outcome TEXT NOT NULL, error TEXT, plan TEXT NOT NULL)");
        } else {
          s.execute("CREATE SCHEMA IF NOT EXISTS lockplane");
          s.execute("CREATE TABLE IF NOT EXISTS lockplane.history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
              + "started_at timestamptz NOT NULL, duration_ms bigint, source_hash text NOT NULL, "
              + "target_hash text NOT NULL, result_hash text, outcome text NOT NULL, error text, plan jsonb NOT NULL)");
        }
      }
    }

    static long start(Connection c, boolean sqlite, Plan plan, Instant started) throws SQLException {
      String sql = "INSERT INTO " + table(sqlite) + " (started_at, source_hash, target_hash, outcome, plan) VALUES (?, ?, ?, 'running', "
          + (sqlite ? "?" : "?::jsonb") + ")";
      try (PreparedStatement p = c.prepareStatement(sql + " RETURNING id")) {
        if (sqlite) {
          p.setString(1, started.toString());
        } else {
          p.setTimestamp(1, Timestamp.from(started));
        }
        p.setString(2, plan.sourceHash());
        p.setString(3, plan.targetHash());
        p.setString(4, SchemaJson.write("plan", new Plan(plan.dialect(), plan.sourceHash(), plan.targetHash(),
            plan.steps(), plan.rollbackSteps(), null)));
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }

    static void finish(Connection c, boolean sqlite, long id, String outcome, String resultHash, Duration d,
        String error) {
      try (PreparedStatement p = c.prepareStatement("UPDATE " + table(sqlite)
          + " SET outcome = ?, result_hash = ?, duration_ms = ?, error = ? WHERE id = ?")) {
        c.setAutoCommit(true);
        p.setString(1, outcome);
        p.setString(2, resultHash);
        p.setLong(3, d.toMillis());
        p.setString(4, error);
        p.setLong(5, id);
        p.executeUpdate();
      } catch (SQLException e) {
        throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot record the apply in " + table(sqlite)
            + ": " + e.getMessage(), e);
      }
    }
  }
}
