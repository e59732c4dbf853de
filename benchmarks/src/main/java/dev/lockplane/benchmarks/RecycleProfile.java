package dev.lockplane.benchmarks;

import dev.lockplane.benchmarks.workload.Workload;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.clone.CloneRecycler;
import dev.lockplane.internal.clone.DatabaseCloneManager;
import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The phases of recycling a clone after one benchmark test (insert, update, count): connecting to
 * it, waiting for the test's session to end, detecting what changed (counters, files, sequences,
 * catalogs, database record), restoring it (TRUNCATE and COPY from the golden's copy, setval), and
 * reading the new baseline — and, for comparison, what the same server takes to drop a clone and
 * make a new one.
 *
 * <pre>
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.RecycleProfile [10|170] [n]
 * </pre>
 */
public final class RecycleProfile {
  private RecycleProfile() {}

  /**
   * Runs the profile.
   *
   * @param args golden size in MB (10 or 170, default 10), recycles (default 50)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    String script = mb >= 100 ? "bench/golden-170mb.sql" : "bench/golden-10mb.sql";
    Map<String, Stats> phases = new LinkedHashMap<>();
    Stats total = new Stats();
    Stats remake = new Stats();
    try (LocalPostgres pg = LocalPostgres.builder().start();
        CloneManager clones = CloneManagers.databases(pg).golden(TestkitProfile.golden(script))
            .databasePrefix("recy_").start();
        CloneRecycler recycler = new CloneRecycler((DatabaseCloneManager) clones, "recycle-source")) {
      Clone c = clones.create("used");
      for (int i = 0; i < n + 3; i++) {
        try (Connection conn = c.dataSource().getConnection()) {
          Workload.run(conn);
        }
        Map<String, Long> run = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        Optional<String> why = recycler.recycle(c, run::put);
        long t = System.nanoTime() - t0;
        if (why.isPresent()) {
          throw new IllegalStateException("not recycled: " + why.get());
        }
        if (i >= 3) { // the first recycle makes the golden's copy
          total.add(t);
          run.forEach((k, v) -> phases.computeIfAbsent(k, x -> new Stats()).add(v));
        }
      }
      for (int i = 0; i < Math.min(n, 15); i++) {
        long t0 = System.nanoTime();
        c.reset(); // DROP DATABASE + CREATE DATABASE … TEMPLATE
        remake.add(System.nanoTime() - t0);
      }
    }
    System.out.printf(Locale.ROOT, "%n| recycling after one test, %d MB golden (n=%d) | p50 | p95 |%n|---|---:|---:|%n", mb, n);
    phases.forEach((k, s) -> System.out.printf(Locale.ROOT, "| %s | %.2f ms | %.2f ms |%n", k, s.percentile(50), s.percentile(95)));
    System.out.printf(Locale.ROOT, "| **recycle, total** | %.2f ms | %.2f ms |%n", total.percentile(50), total.percentile(95));
    System.out.printf(Locale.ROOT, "| drop + CREATE DATABASE … TEMPLATE (n=%d) | %.2f ms | %.2f ms |%n", remake.count(),
        remake.percentile(50), remake.percentile(95));
  }
}
