package dev.lockplane.benchmarks;

import dev.lockplane.benchmarks.workload.DatabaseIsolation10;
import dev.lockplane.benchmarks.workload.DatabaseIsolation170;
import dev.lockplane.benchmarks.workload.PgEmbeddedIsolation10;
import dev.lockplane.benchmarks.workload.PgEmbeddedIsolation170;
import dev.lockplane.benchmarks.workload.SharedDatabase;
import dev.lockplane.benchmarks.workload.ZonkyIsolation10;
import dev.lockplane.benchmarks.workload.ZonkyIsolation170;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One suite of {@link JUnitSideBySide} in a JVM of its own: the 200 short tests with one way of
 * isolating them, its samples written to a file for the parent to read. Every suite gets a fresh
 * JVM (the same JIT and class-loading start for all), and a peer's JVM can run as an unprivileged
 * user: zonky's and pg-embedded's servers run as whoever runs the JVM, and PostgreSQL refuses root.
 *
 * <pre>
 * java -cp lockplane-benchmarks.jar dev.lockplane.benchmarks.SuiteRun SUITE MB RUNS OUT
 * </pre>
 *
 * with SUITE one of {@code shared}, {@code DATABASE}, {@code TRANSACTION}, {@code INSTANCE} (the
 * {@code @LockplaneTest} isolation), {@code RECYCLE} ({@code DATABASE} with {@code lockplane.recycle=true}), {@code DISK} ({@code DATABASE}
 * with {@code lockplane.clonesInMemory=false}),
 * {@code zonky}, {@code pg-embedded}.
 */
public final class SuiteRun {
  private SuiteRun() {}

  /**
   * Runs one suite.
   *
   * @param args suite, golden size in MB (10 or 170), runs, output file
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String suite = args[0];
    boolean large = Integer.parseInt(args[1]) >= 100;
    int runs = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    JUnitRuns.Result r = switch (suite) {
      case "shared" -> shared(large, runs);
      case "zonky" -> JUnitRuns.Result.merge(JUnitRuns.run(large ? ZonkyIsolation170.class : ZonkyIsolation10.class, Map.of(), runs));
      case "pg-embedded" -> JUnitRuns.Result.merge(
          JUnitRuns.run(large ? PgEmbeddedIsolation170.class : PgEmbeddedIsolation10.class, Map.of(), runs));
      case "DATABASE", "TRANSACTION", "INSTANCE" -> JUnitRuns.Result.merge(JUnitRuns.run(
          large ? DatabaseIsolation170.class : DatabaseIsolation10.class, lockplane(suite), runs));
      case "RECYCLE" -> {
        Map<String, String> params = new java.util.HashMap<>(lockplane("DATABASE"));
        params.put("lockplane.recycle", "true");
        yield JUnitRuns.Result.merge(JUnitRuns.run(large ? DatabaseIsolation170.class : DatabaseIsolation10.class, params, runs));
      }
      case "DISK" -> {
        Map<String, String> params = new java.util.HashMap<>(lockplane("DATABASE"));
        params.put("lockplane.clonesInMemory", "false");
        yield JUnitRuns.Result.merge(JUnitRuns.run(large ? DatabaseIsolation170.class : DatabaseIsolation10.class, params, runs));
      }
      default -> throw new IllegalArgumentException("unknown suite " + suite
          + "; use shared, DATABASE, DISK, RECYCLE, TRANSACTION, INSTANCE, zonky or pg-embedded");
    };
    r.write(out);
    // the peers' libraries leave non-daemon threads behind (prefetchers, shutdown waits)
    System.exit(0);
  }

  private static Map<String, String> lockplane(String isolation) {
    Map<String, String> params = new java.util.HashMap<>(Map.of("lockplane.isolation", isolation));
    for (String key : List.of("lockplane.storage", "lockplane.pool.size")) {
      if (System.getProperty(key) != null) {
        params.put(key, System.getProperty(key));
      }
    }
    return params;
  }

  private static JUnitRuns.Result shared(boolean large, int runs) throws Exception {
    String script = large ? "bench/golden-170mb.sql" : "bench/golden-10mb.sql";
    try (LocalPostgres pg = LocalPostgres.builder().start();
        CloneManager clones = CloneManagers.databases(pg).golden(TestkitProfile.golden(script)).databasePrefix("base_").start()) {
      Clone shared = clones.create("shared");
      SharedDatabase.connection = shared.dataSource().getConnection();
      try {
        List<JUnitRuns.Result> all = JUnitRuns.run(SharedDatabase.class, Map.of(), runs);
        return JUnitRuns.Result.merge(all);
      } finally {
        SharedDatabase.connection.close();
      }
    }
  }
}
