package dev.lockplane.benchmarks;

import dev.lockplane.benchmarks.workload.Workload;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.clone.HandoutStats;
import dev.lockplane.internal.clone.HandoutTimer.Phase;
import dev.lockplane.internal.clone.PrefetchingCloneManager;
import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The handout path of the prefetching pool in the steady state of short tests, phase by phase, as
 * the pool itself records it ({@code HandoutStats}): N tests in a row, each taking a clone, one
 * connection, the benchmark workload (insert, update, count: a few milliseconds) and returning the
 * clone, on the ~10 MB and ~170 MB goldens, for several pool set-ups side by side in one run (so
 * that they share the machine's load). Also reads the server's checkpoint counters around each
 * set-up: {@code CREATE DATABASE … STRATEGY FILE_COPY} requests checkpoints.
 *
 * <pre>
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.HandoutProfile \
 *     --sizes 10,170 --tests 200 --setups drop/1,drop/2,recycle/1
 * </pre>
 *
 * A set-up is {@code drop/P} (used clones dropped, P threads making spares) or {@code recycle/P}
 * (used clones restored by the recycler), each with a pool of 2 spares.
 */
public final class HandoutProfile {
  private static final int WARM_UP = 5;

  private HandoutProfile() {}

  /** One set-up's result. */
  private record Run(String setup, double seconds, Stats overhead, HandoutStats stats, long checkpoints, double checkpointMillis) {}

  /**
   * Runs the profile and prints one table per golden.
   *
   * @param args {@code --sizes MB,...} (10,170), {@code --tests N} (200), {@code --setups ...}
   *     (drop/1,drop/2)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--sizes", "10,170", "--tests", "200", "--setups", "drop/1,drop/2"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opt.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + opt.keySet());
      }
      opt.put(args[i], args[i + 1]);
    }
    int tests = Integer.parseInt(opt.get("--tests"));
    List<String> out = new ArrayList<>();
    try (LocalPostgres pg = LocalPostgres.builder().start()) {
      for (String size : opt.get("--sizes").split(",")) {
        int mb = Integer.parseInt(size);
        String script = mb >= 100 ? "bench/golden-170mb.sql" : "bench/golden-10mb.sql";
        // the golden is built once a size: each set-up's manager takes it from this database
        try (CloneManager source = CloneManagers.databases(pg).golden(TestkitProfile.golden(script)).databasePrefix("hps_").start()) {
          String db = databaseOf(source.create("g" + mb));
          List<Run> runs = new ArrayList<>();
          for (String setup : opt.get("--setups").split(",")) {
            runs.add(run(pg, Golden.fromDatabase(db), setup, tests));
          }
          out.addAll(table(mb, TestkitProfile.size(pg, db), tests, runs));
        }
      }
    }
    System.out.printf(Locale.ROOT, "%nload average at the end: %s%n", java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
    out.forEach(System.out::println);
  }

  private static String databaseOf(Clone c) {
    String url = c.jdbcUrl();
    int q = url.indexOf('?');
    return url.substring(url.lastIndexOf('/') + 1, q < 0 ? url.length() : q);
  }

  private static Run run(LocalPostgres pg, Golden golden, String setup, int tests) throws Exception {
    String[] s = setup.split("/");
    boolean recycle = s[0].equals("recycle");
    int producers = Integer.parseInt(s[1]);
    CloneManager manager = CloneManagers.databases(pg).golden(golden).databasePrefix("hp" + (recycle ? "r" : "d") + producers + "_")
        .adminConnections(4).start();
    Stats overhead = new Stats();
    try (PrefetchingCloneManager pool = new PrefetchingCloneManager(manager, 2, recycle, producers)) {
      // a full pool to start from, as a suite's first tests find after the golden is built
      for (int i = 0; i < 3000 && pool.handoutStats().phase(Phase.WARM).count() < 2; i++) {
        Thread.sleep(10);
      }
      long[] cp0 = checkpoints(pg);
      long start = System.nanoTime();
      for (int i = 0; i < tests + WARM_UP; i++) {
        long t0 = System.nanoTime();
        Clone c = pool.create();
        long work;
        try (Connection conn = c.dataSource().getConnection()) {
          long w0 = System.nanoTime();
          Workload.run(conn);
          work = System.nanoTime() - w0;
        }
        c.destroy();
        if (i >= WARM_UP) {
          overhead.add(System.nanoTime() - t0 - work);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      HandoutStats stats = pool.handoutStats();
      long[] cp1 = checkpoints(pg);
      Workload.BODIES.clear();
      System.out.printf(Locale.ROOT, "%s: %.1f s, overhead %s; %s%n", setup, seconds, overhead.summary(), stats.summary());
      return new Run(setup, seconds, overhead, stats, cp1[0] - cp0[0], (cp1[1] - cp0[1]) / 1.0);
    }
  }

  /** Requested checkpoints and the milliseconds checkpoints spent writing and syncing, server-wide. */
  private static long[] checkpoints(LocalPostgres pg) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT num_requested, (write_time + sync_time)::bigint FROM pg_stat_checkpointer")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  private static List<String> table(int mb, String size, int tests, List<Run> runs) throws Exception {
    List<String> t = new ArrayList<>();
    String load = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
    t.add("");
    t.add(String.format(Locale.ROOT, "%d MB golden (%s), %d short tests in a row, pool of 2; load average %s", mb, size, tests, load));
    StringBuilder head = new StringBuilder("| |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Run r : runs) {
      head.append(' ').append(r.setup()).append(" |");
      rule.append("---:|");
    }
    t.add(head.toString());
    t.add(rule.toString());
    t.add(row("**overhead per test p50 / p95**", runs, r -> ms(r.overhead().percentile(50)) + " / " + ms(r.overhead().percentile(95))));
    t.add(row("tests / s", runs, r -> String.format(Locale.ROOT, "%.1f", tests / r.seconds())));
    t.add(row("handouts: ready / waited / made on demand", runs,
        r -> r.stats().readyAtOnce() + " / " + r.stats().waitedForSpare() + " / " + r.stats().madeOnDemand()));
    t.add(row("demand vs refill capacity (clones/s)", runs, r -> String.format(Locale.ROOT, "%.1f vs %.1f",
        r.stats().demandPerSecond(), r.stats().capacityPerSecond())));
    for (Phase p : Phase.values()) {
      if (p == Phase.BEFORE_BODY || p == Phase.AFTER_BODY) {
        continue; // no test framework here: see JUnitRuns and the testkit's own summary line
      }
      t.add(row(p.label() + (p.critical() ? "" : " (background)") + " p50 / p95 (n)", runs, r -> {
        HandoutStats.PhaseStats s = r.stats().phase(p);
        return s.count() == 0 ? "—" : ms(s.p50Millis()) + " / " + ms(s.p95Millis()) + " (" + s.count() + ")";
      }));
    }
    t.add(row("checkpoints requested per clone made (spares and on demand)", runs, r -> {
      long made = r.stats().phase(Phase.MAKE).count() + r.stats().madeOnDemand();
      return made == 0 ? "—" : String.format(Locale.ROOT, "%.2f", r.checkpoints() / (double) made);
    }));
    t.add(row("checkpoint write + sync per checkpoint", runs,
        r -> r.checkpoints() == 0 ? "—" : ms(r.checkpointMillis() / r.checkpoints())));
    Run first = runs.get(0);
    t.add(row("overhead p50 ÷ the first set-up's", runs,
        r -> String.format(Locale.ROOT, "%.2f", r.overhead().percentile(50) / first.overhead().percentile(50))));
    return t;
  }

  private static String row(String what, List<Run> runs, java.util.function.Function<Run, String> cell) {
    StringBuilder b = new StringBuilder("| ").append(what).append(" |");
    for (Run r : runs) {
      b.append(' ').append(cell.apply(r)).append(" |");
    }
    return b.toString();
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.1f ms", v);
  }
}
