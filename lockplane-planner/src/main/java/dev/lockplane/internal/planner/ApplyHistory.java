package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.InterruptedRun;
import dev.lockplane.plan.Plan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The history table, in Lockplane's own schema (PostgreSQL) or a prefixed table (SQLite): one row
 * per apply, {@code running} while it runs, then {@code applied}, {@code failed} or {@code
 * interrupted}. On PostgreSQL a row names the backend that runs it (pid and start time, which
 * together never repeat), so a later apply can tell a live run from one whose process was killed.
 */
final class ApplyHistory {
  static final String INTERRUPTED_ERROR = "The process applying this plan ended before recording an outcome "
      + "(killed, or its connection lost); some steps may have been committed.";

  private ApplyHistory() {}

  static String table(boolean sqlite) {
    return sqlite ? "lockplane_history" : "lockplane.history";
  }

  /** Columns added after the first version of the table, with their types (PostgreSQL, SQLite). */
  private static final String[][] ADDED_COLUMNS = {
      {"backend_pid", "integer", null}, {"backend_start", "timestamptz", null},
      {"db_user", "text", "TEXT"}, {"client_addr", "text", "TEXT"}, {"client_host", "text", "TEXT"},
      {"backup_id", "text", "TEXT"}};

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
      // Tables made by older versions gain the newer columns; old rows keep nulls. Asked first,
      // because ALTER TABLE takes an exclusive lock even when there is nothing to add.
      java.util.Set<String> present = columns(c, sqlite);
      List<String> add = new ArrayList<>();
      for (String[] col : ADDED_COLUMNS) {
        String type = sqlite ? col[2] : col[1];
        if (type != null && !present.contains(col[0])) {
          add.add(col[0] + " " + type);
        }
      }
      if (sqlite) {
        for (String col : add) {
          s.execute("ALTER TABLE lockplane_history ADD COLUMN " + col);
        }
      } else if (!add.isEmpty()) {
        s.execute("ALTER TABLE lockplane.history " + add.stream().map(a -> "ADD COLUMN IF NOT EXISTS " + a)
            .collect(java.util.stream.Collectors.joining(", ")));
      }
    }
  }

  /** The history table's columns, or none when it does not exist. */
  static java.util.Set<String> columns(Connection c, boolean sqlite) throws SQLException {
    java.util.Set<String> names = new java.util.HashSet<>();
    String sql = sqlite ? "SELECT name FROM pragma_table_info('lockplane_history')"
        : "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('lockplane.history') AND attnum > 0 "
            + "AND NOT attisdropped";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /**
   * Marks {@code running} rows whose process is gone as {@code interrupted}. On PostgreSQL a row is
   * stale when no backend with its pid and start time exists (the pid alone when the start time is
   * hidden from this role; rows without a backend, from older versions, count as stale). On SQLite the update itself takes the database's write lock, which a
   * live apply holds for as long as its transaction runs, so every row still {@code running} then is
   * stale.
   */
  static List<InterruptedRun> markInterrupted(Connection c, boolean sqlite) throws SQLException {
    String sql = "UPDATE " + table(sqlite) + (sqlite ? "" : " AS h") + " SET outcome = 'interrupted', error = ? WHERE outcome = 'running'"
        // Another role's sessions show a null backend_start without pg_read_all_stats: the pid decides then.
        + (sqlite ? "" : " AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = h.backend_pid "
            + "AND (a.backend_start IS NULL OR a.backend_start = h.backend_start))")
        + " RETURNING id, started_at, source_hash, target_hash";
    List<InterruptedRun> runs = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, INTERRUPTED_ERROR);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Instant started = sqlite ? Instant.parse(rs.getString(2)) : rs.getTimestamp(2).toInstant();
          runs.add(new InterruptedRun(rs.getLong(1), started, rs.getString(3), rs.getString(4)));
        }
      }
    }
    runs.sort(java.util.Comparator.comparingLong(InterruptedRun::historyId));
    return runs;
  }

  /** Records a run as {@code running}, with the backup taken before it (or null), and returns its id. */
  static long start(Connection c, boolean sqlite, Plan plan, Instant started, String backupId) throws SQLException {
    String sql = sqlite
        ? "INSERT INTO lockplane_history (started_at, source_hash, target_hash, outcome, plan, client_host, backup_id, "
            + "db_user, client_addr) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, 'local')"
        : "INSERT INTO lockplane.history (started_at, source_hash, target_hash, outcome, plan, client_host, backup_id, "
            + "backend_pid, backend_start, db_user, client_addr) VALUES (?, ?, ?, 'running', ?::jsonb, ?, ?, "
            + "pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()), "
            + "session_user, coalesce(host(inet_client_addr()), 'local'))";
    try (PreparedStatement p = c.prepareStatement(sql + " RETURNING id")) {
      if (sqlite) {
        p.setString(1, started.toString());
      } else {
        p.setTimestamp(1, Timestamp.from(started));
      }
      p.setString(2, plan.sourceHash());
      p.setString(3, plan.targetHash());
      p.setString(4, SchemaJson.write("plan", new Plan(plan.dialect(), plan.sourceHash(), plan.targetHash(),
          plan.steps(), plan.rollbackSteps(), null, plan.digest())));
      p.setString(5, HistoryReader.localHost());
      p.setString(6, backupId);
      if (sqlite) {
        p.setString(7, System.getProperty("user.name"));
      }
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
