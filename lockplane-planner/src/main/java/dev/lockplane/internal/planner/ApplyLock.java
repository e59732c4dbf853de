package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The PostgreSQL advisory lock that serialises applies to one database. It is a session-level lock
 * (it survives the commits of the plan's transactions and the non-transactional {@code
 * CONCURRENTLY} steps between them), taken on a session of its own that stays idle while the plan
 * runs, so that it never holds a snapshot a concurrent index build would wait for. Advisory locks are
 * per database: applies to different databases of one server do not wait for each other.
 */
final class ApplyLock implements AutoCloseable {
  /** "lockplan" in ASCII; in {@code pg_locks} it shows as classid 1819239275, objid 1886151022. */
  static final long KEY = 0x6c6f636b706c616eL;

  private static final String HOLDER_SQL = "SELECT a.pid, a.usename, host(a.client_addr), a.client_hostname, "
      + "a.application_name, CASE WHEN a.state = 'idle' THEN a.state_change ELSE a.backend_start END, a.state "
      + "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
      + "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      + "AND l.classid = ? AND l.objid = ? AND l.objsubid = 1 AND l.pid <> pg_backend_pid()";

  private final Connection session;

  private ApplyLock(Connection session) {
    this.session = session;
  }

  /**
   * Takes the lock, waiting up to {@code wait} for another apply to release it.
   *
   * @param session the session that holds the lock until {@link #close()}; it should do nothing else
   * @param wait how long to wait; zero fails at once when the lock is held
   * @param waiting told, once, who holds the lock when it is not free at once
   * @throws LockplaneException ({@link ErrorCode#IN_USE}) naming the holder when the wait ran out
   */
  static ApplyLock acquire(Connection session, Duration wait, Consumer<String> waiting) throws SQLException {
    session.setAutoCommit(true);
    if (tryLock(session)) {
      return new ApplyLock(session);
    }
    String holder = holder(session);
    long started = System.nanoTime();
    if (!wait.isZero()) {
      waiting.accept(holder);
      try (Statement s = session.createStatement()) {
        // lock_timeout bounds any lock wait, advisory ones included; a waiting session shows in
        // pg_stat_activity as wait_event 'advisory', so the holder's operators can see who queues.
        s.execute("SET lock_timeout = " + Math.max(1, wait.toMillis()));
        try {
          s.execute("SELECT pg_advisory_lock(" + KEY + ")");
          return new ApplyLock(session);
        } catch (SQLException e) {
          if (!"55P03".equals(e.getSQLState())) {
            throw e;
          }
          String now = holder(session);
          holder = now.isEmpty() ? holder : now;
        } finally {
          s.execute("RESET lock_timeout");
        }
      }
    }
    long waitedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    throw new LockplaneException(ErrorCode.IN_USE, "Another apply is running on database " + database(session)
        + " and holds its apply lock (PostgreSQL advisory lock " + KEY + "): " + (holder.isEmpty()
        ? "its session is not visible to this role" : holder) + ". Waited " + waitedMs + " ms, the limit "
        + "(lock wait " + wait.toMillis() + " ms). Nothing was applied. Let it finish and make a new plan, or "
        + "wait longer (applyLockWait, lockplane apply --lock-wait).");
  }

  private static boolean tryLock(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + KEY + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** The sessions holding the lock, in words: pid, user, client, application, since when. */
  static String holder(Connection c) throws SQLException {
    List<String> holders = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(HOLDER_SQL)) {
      p.setLong(1, KEY >>> 32);
      p.setLong(2, KEY & 0xffffffffL);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String addr = rs.getString(3);
          String host = rs.getString(4);
          Timestamp since = rs.getTimestamp(6);
          holders.add("pid " + rs.getInt(1) + ", user " + orHidden(rs.getString(2)) + ", client "
              + (addr == null ? (rs.getString(7) == null ? "(hidden)" : "local socket") : addr
                  + (host == null ? "" : " (" + host + ")"))
              + ", application_name '" + (rs.getString(5) == null ? "" : rs.getString(5)) + "'"
              + (since == null ? "" : ", holding it since " + since.toInstant()));
        }
      }
    }
    return String.join("; ", holders);
  }

  private static String orHidden(String s) {
    return s == null ? "(hidden)" : s;
  }

  private static String database(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Releases the lock (a session that ended has released it already). */
  @Override
  public void close() {
    try {
      unlock();
    } catch (SQLException e) {
      // A session left inside a failed transaction cannot run the unlock; a caller's connection
      // would otherwise keep the lock for as long as it lives.
      try {
        if (!session.isClosed() && !session.getAutoCommit()) {
          session.rollback();
          session.setAutoCommit(true);
          unlock();
        }
      } catch (SQLException gone) {
        // The session is gone: PostgreSQL released its locks with it.
      }
    }
  }

  private void unlock() throws SQLException {
    try (Statement s = session.createStatement()) {
      s.execute("SELECT pg_advisory_unlock(" + KEY + ")");
    }
  }
}
