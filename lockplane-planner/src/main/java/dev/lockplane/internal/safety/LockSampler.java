package dev.lockplane.internal.safety;

import dev.lockplane.plan.LockMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples, from its own connection and thread, the relation locks one backend holds or waits for,
 * keeping per relation the strongest mode and when it was first and last seen in that mode.
 */
public final class LockSampler implements AutoCloseable {
  /** What was seen on one relation. */
  public static final class Seen {
    LockMode mode;
    long firstNanos;
    long lastNanos;

    public LockMode mode() {
      return mode;
    }

    public long firstNanos() {
      return firstNanos;
    }

    public long lastNanos() {
      return lastNanos;
    }
  }

  /** Relation locks of one backend ({@code ?}), by display name and {@code pg_locks.mode}. */
  public static final String QUERY = "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END,"
      + " l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE l.pid = ? AND l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database"
      + " WHERE datname = current_database()) AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

  private final Connection connection;
  private final int pid;
  private final long intervalNanos;
  private final Map<String, Seen> seen = new TreeMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile SQLException failure;

  /**
   * Starts sampling.
   *
   * @param connection the sampler's own connection to the same database (not shared while sampling)
   * @param pid the backend to watch
   * @param interval the pause between samples
   */
  public LockSampler(Connection connection, int pid, Duration interval) {
    this.connection = connection;
    this.pid = pid;
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::loop, "lockplane-lock-sampler-" + pid);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try (PreparedStatement ps = connection.prepareStatement(QUERY)) {
      ps.setInt(1, pid);
      while (running) {
        long now = System.nanoTime();
        try (ResultSet rs = ps.executeQuery()) {
          synchronized (seen) {
            while (rs.next()) {
              record(rs.getString(1), LockMode.parse(rs.getString(2)), now);
            }
          }
        }
        if (intervalNanos > 0) {
          LockSupport.parkNanos(intervalNanos);
        }
      }
    } catch (SQLException e) {
      failure = e;
    }
  }

  /**
   * Adds an observation made elsewhere (the step's own view of its locks).
   *
   * @param relation the relation
   * @param mode the mode
   * @param atNanos when ({@link System#nanoTime()})
   */
  public void record(String relation, LockMode mode, long atNanos) {
    synchronized (seen) {
      Seen s = seen.get(relation);
      if (s == null) {
        s = new Seen();
        seen.put(relation, s);
      }
      if (s.mode == null || mode.compareTo(s.mode) > 0) {
        s.mode = mode;
        s.firstNanos = atNanos;
        s.lastNanos = atNanos;
      } else if (mode == s.mode) {
        s.firstNanos = Math.min(s.firstNanos, atNanos);
        s.lastNanos = Math.max(s.lastNanos, atNanos);
      }
    }
  }

  /**
   * Stops sampling and returns what was seen, by relation name.
   *
   * @return the observations, sorted by relation
   * @throws SQLException if sampling failed
   */
  public Map<String, Seen> stop() throws SQLException {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
    synchronized (seen) {
      return new TreeMap<>(seen);
    }
  }

  @Override
  public void close() {
    running = false;
  }
}
