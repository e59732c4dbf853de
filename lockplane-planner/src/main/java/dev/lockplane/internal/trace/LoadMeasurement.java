package dev.lockplane.internal.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.trace.LoadImpact;
import dev.lockplane.trace.LoadReport;
import dev.lockplane.trace.Workload;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the migration again on a clone of its own with a workload beside it: first the workload alone
 * (the baseline), then the migration without any pause of the trace's between statements, then a
 * short tail. A query counts as having waited when, between the time it was due and its end, the
 * watcher saw a workload backend waiting on a lock, and it took at least the threshold: five times
 * the baseline's p99, and at least 200 ms (brief waits behind a catalog-only change are the safe forms' normal).
 */
final class LoadMeasurement {
  private LoadMeasurement() {}

  private static final long TAIL_NANOS = 200_000_000L;

  /** Runs a migration (given a session) on the clone. */
  interface Migration {
    void run(TraceSession session) throws SQLException;
  }

  static LoadReport run(Clone clone, Workload workload, Migration migration) throws SQLException {
    requireLocal(clone);
    List<LoadRunner.Sample> samples;
    List<LoadRunner.Wait> waits;
    List<long[]> times;
    long baselineStart;
    long migrationStart;
    long migrationEnd;
    try (LoadRunner runner = new LoadRunner(clone.dataSource(), workload)) {
      baselineStart = System.nanoTime();
      LockSupport.parkNanos(workload.baseline().toNanos());
      migrationStart = System.nanoTime();
      TraceSession session = TraceSession.timingOnly(s -> { });
      migration.run(session);
      session.finish();
      times = session.times();
      migrationEnd = System.nanoTime();
      LockSupport.parkNanos(TAIL_NANOS);
      samples = runner.stop();
      waits = runner.waits();
    }
    List<Long> base = new ArrayList<>();
    for (LoadRunner.Sample s : samples) {
      if (s.start() >= baselineStart && s.end() < migrationStart && !s.failed()) {
        base.add(s.end() - s.start());
      }
    }
    base.sort(null);
    long p99 = percentile(base, 0.99);
    long threshold = Math.max(200_000_000L, 5 * p99);
    long[] waiting = waits.stream().mapToLong(LoadRunner.Wait::at).sorted().toArray();
    Map<Integer, LoadImpact> impacts = new HashMap<>();
    for (int i = 0; i < times.size(); i++) {
      long from = times.get(i)[0];
      long to = i + 1 < times.size() ? times.get(i + 1)[0] : migrationEnd + TAIL_NANOS;
      int queries = 0;
      int failed = 0;
      List<Long> waited = new ArrayList<>();
      for (LoadRunner.Sample s : samples) {
        if (s.start() < from || s.start() >= to) {
          continue;
        }
        queries++;
        long latency = s.end() - s.start();
        if (s.failed()) {
          failed++;
        } else if (latency >= threshold && sawWaiting(waiting, s.start(), s.end())) {
          waited.add(latency);
        }
      }
      waited.sort(null);
      impacts.put(i + 1, new LoadImpact(queries, waited.size(), failed, Duration.ofNanos(percentile(waited, 0.5)),
          Duration.ofNanos(percentile(waited, 0.99)), Duration.ofNanos(waited.isEmpty() ? 0 : waited.get(waited.size() - 1))));
    }
    return new LoadReport(base.size(), Duration.ofNanos(p99), Duration.ofNanos(threshold), impacts);
  }

  /**
   * Whether a workload backend was seen waiting on a lock while the query was due or running: the
   * workload's connections are one pool, so a query queued behind a blocked connection waited on that lock.
   */
  private static boolean sawWaiting(long[] sortedWaits, long start, long end) {
    int i = java.util.Arrays.binarySearch(sortedWaits, start);
    int at = i >= 0 ? i : -i - 1;
    return at < sortedWaits.length && sortedWaits[at] <= end;
  }

  private static long percentile(List<Long> sorted, double q) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }

  /** The workload runs only against a server on this machine: never load a remote server from a trace. */
  private static void requireLocal(Clone clone) throws SQLException {
    try (Connection c = clone.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT host(inet_server_addr())")) {
      rs.next();
      String host = rs.getString(1);
      boolean local;
      try {
        local = host == null || InetAddress.getByName(host).isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        local = false;
      }
      if (!local) {
        throw new LockplaneException(ErrorCode.UNSUPPORTED, "a workload runs only against a clone on this machine "
            + "(loopback or a Unix socket); the clone's server answers on " + host + ": trace without a workload, "
            + "or clone into a local server");
      }
    }
  }
}
