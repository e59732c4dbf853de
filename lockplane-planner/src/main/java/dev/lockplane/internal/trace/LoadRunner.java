package dev.lockplane.internal.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.safety.ShadowRunner;
import dev.lockplane.trace.Workload;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Runs a {@link Workload} on its own connections, paced to its rates with a seeded choice of query
 * (queries that fell behind are sent at once, as an application's queued requests would be), and watches {@code pg_stat_activity} from one more connection for its backends waiting on a lock.
 * Each query is recorded with its backend, start, end and whether it failed.
 */
final class LoadRunner implements AutoCloseable {
  /**
   * One query run. Its start is the time it was due, not the time it was sent: a query that had to
   * wait for its connection, stuck behind a lock, waited too (the application's requests keep coming).
   */
  record Sample(int pid, long start, long end, boolean failed) {}

  /** A moment a backend was seen waiting on a lock. */
  record Wait(int pid, long at) {}

  private final List<Connection> connections = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Wait> waits = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;
  private volatile SQLException watcherFailure;

  LoadRunner(DataSource clone, Workload workload) throws SQLException {
    List<Integer> pids = new ArrayList<>();
    try {
      for (int i = 0; i <= workload.connections(); i++) {
        Connection c = clone.getConnection();
        connections.add(c);
        if (i < workload.connections()) {
          try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = 5000");
          }
          pids.add(ShadowRunner.pid(c));
        }
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
    double total = workload.totalRate();
    long intervalNanos = (long) (1e9 * workload.connections() / total);
    for (int i = 0; i < workload.connections(); i++) {
      Connection c = connections.get(i);
      int pid = pids.get(i);
      Random random = new Random(workload.seed() + i);
      Thread t = new Thread(() -> work(c, pid, workload, random, total, intervalNanos), "lockplane-load-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    Connection watcher = connections.get(workload.connections());
    Thread w = new Thread(() -> watch(watcher, pids), "lockplane-load-watcher");
    w.setDaemon(true);
    threads.add(w);
    threads.forEach(Thread::start);
  }

  private void work(Connection c, int pid, Workload workload, Random random, double total, long intervalNanos) {
    long next = System.nanoTime();
    while (running) {
      double pick = random.nextDouble() * total;
      Workload.Query q = workload.queries().get(workload.queries().size() - 1);
      for (Workload.Query candidate : workload.queries()) {
        pick -= candidate.perSecond();
        if (pick < 0) {
          q = candidate;
          break;
        }
      }
      long due = next;
      boolean failed = false;
      try (Statement s = c.createStatement()) {
        s.execute(q.sql());
      } catch (SQLException e) {
        failed = true;
      }
      samples.add(new Sample(pid, due, System.nanoTime(), failed));
      next += intervalNanos;
      long now = System.nanoTime();
      if (next > now) {
        LockSupport.parkNanos(next - now);
      }
    }
  }

  private void watch(Connection c, List<Integer> pids) {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = ANY (?)")) {
      Array array = c.createArrayOf("int4", pids.toArray());
      ps.setArray(1, array);
      while (running) {
        long at = System.nanoTime();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            waits.add(new Wait(rs.getInt(1), at));
          }
        }
        LockSupport.parkNanos(2_000_000);
      }
    } catch (SQLException e) {
      watcherFailure = e;
    }
  }

  /** Stops the workload (in-flight queries finish or time out) and returns what ran. */
  List<Sample> stop() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (watcherFailure != null) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "the workload's lock watcher failed: "
          + watcherFailure.getMessage() + " — check that the clone's server is running", watcherFailure);
    }
    return List.copyOf(samples);
  }

  /** Returns the moments a workload backend was seen waiting on a lock. */
  List<Wait> waits() {
    return List.copyOf(waits);
  }

  @Override
  public void close() {
    running = false;
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing a clone's connection that already failed: nothing left to release
      }
    }
  }

}
