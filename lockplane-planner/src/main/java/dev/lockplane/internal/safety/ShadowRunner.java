package dev.lockplane.internal.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.plan.LockMode;
import dev.lockplane.safety.LockHold;
import dev.lockplane.safety.SqlStep;
import dev.lockplane.safety.StepResult;
import dev.lockplane.safety.ValidationListener;
import dev.lockplane.safety.ValidationReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/** Runs a shadow validation: clone, steps with measurements, rollback, fingerprint check, destroy. */
public final class ShadowRunner {
  private ShadowRunner() {}

  private static final String FILES = "SELECT c.oid, CASE WHEN n.nspname = 'public' THEN c.relname"
      + " ELSE n.nspname || '.' || c.relname END, c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

  /**
   * Runs the validation.
   *
   * @param clones where the clone comes from
   * @param snapshot the snapshot to clone, or null for the golden
   * @param steps the steps
   * @param rollback the rollback steps
   * @param interval the lock sampling interval
   * @param listener progress
   * @return the report
   */
  public static ValidationReport run(CloneManager clones, Snapshot snapshot, List<SqlStep> steps,
      List<SqlStep> rollback, Duration interval, ValidationListener listener) {
    String name = "shadow_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    Clone clone = snapshot == null ? clones.create(name) : clones.create(name, snapshot);
    try (Connection work = clone.dataSource().getConnection();
         Connection observer = clone.dataSource().getConnection();
         Connection sampler = clone.dataSource().getConnection()) {
      int version = work.getMetaData().getDatabaseMajorVersion();
      int pid = pid(work);
      String source = SchemaFingerprint.of(observer);
      List<StepResult> results = new ArrayList<>();
      boolean ok = true;
      for (int i = 0; i < steps.size() && ok; i++) {
        StepResult r = measure(work, observer, sampler, pid, steps.get(i), i + 1, interval);
        results.add(r);
        listener.stepFinished("step", r);
        ok = r.succeeded();
      }
      List<StepResult> undone = new ArrayList<>();
      Optional<String> after = Optional.empty();
      if (ok) {
        for (int i = 0; i < rollback.size() && ok; i++) {
          StepResult r = measure(work, observer, sampler, pid, rollback.get(i), i + 1, interval);
          undone.add(r);
          listener.stepFinished("rollback", r);
          ok = r.succeeded();
        }
        if (ok) {
          after = Optional.of(SchemaFingerprint.of(observer));
        }
      }
      return new ValidationReport(clone.name(), version, results, undone, source, after);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "shadow validation on clone '" + clone.name()
          + "' lost its connection or could not read the catalog: " + e.getMessage()
          + " — check that the clone's server is running", e);
    } finally {
      clone.destroy();
    }
  }

  static StepResult measure(Connection work, Connection observer, Connection samplerConnection, int pid,
      SqlStep step, int number, Duration interval) throws SQLException {
    Map<Long, String[]> before = files(observer);
    java.util.Set<String> existing = relations(observer);
    String lsn = walInsertLsn(observer);
    LockSampler sampler = new LockSampler(samplerConnection, pid, interval);
    Map<String, LockMode> own = new HashMap<>();
    long rows = -1;
    String error = null;
    long start = System.nanoTime();
    try {
      work.setAutoCommit(!step.transactional());
      try (Statement s = work.createStatement()) {
        boolean resultSet = s.execute(step.sql());
        rows = resultSet ? -1 : s.getUpdateCount();
      }
      if (step.transactional()) {
        // The transaction keeps every lock to its end: its own view of pg_locks is exact, even for
        // a statement too short for any sample.
        try (PreparedStatement ps = work.prepareStatement(LockSampler.QUERY.replace("l.pid = ?", "l.pid = pg_backend_pid()"));
             ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            own.merge(rs.getString(1), LockMode.parse(rs.getString(2)), LockMode::max);
          }
        }
        work.commit();
      }
    } catch (SQLException e) {
      error = (e.getSQLState() == null ? "" : e.getSQLState() + ": ") + e.getMessage();
      if (step.transactional()) {
        work.rollback();
      }
    } finally {
      work.setAutoCommit(true);
    }
    long end = System.nanoTime();
    Map<String, LockSampler.Seen> seen = sampler.stop();
    long wal = walSince(observer, lsn);
    Map<Long, String[]> after = files(observer);

    List<LockHold> locks = new ArrayList<>();
    TreeSet<String> relations = new TreeSet<>(seen.keySet());
    relations.addAll(own.keySet());
    // A relation the step creates is invisible to every other session until the step commits: nobody
    // can wait on it, so its (always ACCESS EXCLUSIVE) lock is not an impact.
    relations.retainAll(existing);
    for (String rel : relations) {
      LockSampler.Seen s = seen.get(rel);
      LockMode ownMode = own.get(rel);
      long held;
      LockMode mode;
      if (s != null && (ownMode == null || s.mode().compareTo(ownMode) >= 0)) {
        mode = s.mode();
        held = step.transactional() ? end - s.firstNanos() : s.lastNanos() - s.firstNanos() + interval.toNanos();
      } else {
        mode = ownMode;
        held = end - start; // seen only by the step itself: held at most for the whole step
      }
      locks.add(new LockHold(rel, mode, Duration.ofNanos(Math.max(0, Math.min(held, end - start)))));
    }
    List<String> rewritten = new ArrayList<>();
    before.forEach((oid, was) -> {
      String[] now = after.get(oid);
      if (now != null && !now[1].equals(was[1])) {
        rewritten.add(was[0]);
      }
    });
    rewritten.sort(null);
    return new StepResult(number, step, Duration.ofNanos(end - start), locks, rewritten, rows, wal,
        Optional.ofNullable(error));
  }

  private static Map<Long, String[]> files(Connection c) throws SQLException {
    Map<Long, String[]> out = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(FILES)) {
      while (rs.next()) {
        out.put(rs.getLong(1), new String[] {rs.getString(2), Long.toString(rs.getLong(3))});
      }
    }
    return out;
  }

  private static java.util.Set<String> relations(Connection c) throws SQLException {
    java.util.Set<String> out = new java.util.HashSet<>();
    String sql = "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Returns the server's current WAL insert position, for {@link #walSince}. */
  public static String walInsertLsn(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Returns the WAL bytes written since a position from {@link #walInsertLsn}. */
  public static long walSince(Connection c, String lsn) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ?::pg_lsn)::bigint")) {
      ps.setString(1, lsn);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Returns the backend process id of a connection. */
  public static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
