package dev.lockplane.benchmarks;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Database-level clone latency: create, reset and destroy, p50/p95, for a ~10 MB and a ~1 GB golden,
 * on the default filesystem and on a loop-mounted XFS with reflink (created here when run as root),
 * with {@code STRATEGY WAL_LOG} measured in the same run for contrast; and the handout latency of
 * a prefetching manager ({@link CloneManagers#prefetching}), as the testkit uses it. The table is
 * also written as {@code database-clones.csv} for {@link Charts}.
 *
 * <pre>
 * mvn -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.DatabaseCloneBenchmark [iterations] [sizesMB]
 * </pre>
 */
public final class DatabaseCloneBenchmark {
  private DatabaseCloneBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args iterations (default 15), sizes in MB separated by commas (default 10,1024)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int[] sizes = args.length > 1
        ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {10, 1024};
    Map<String, Path> filesystems = new LinkedHashMap<>();
    filesystems.put("default (" + Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir"))).type() + ")", null);
    Path image = null;
    Path mount = null;
    if (BenchStores.run("id", "-u").trim().equals("0")) {
      image = Files.createTempFile("lockplane-bench-xfs", ".img");
      mount = Files.createTempDirectory("lockplane-bench-xfs");
      run("truncate", "-s", "16G", image.toString());
      run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", image.toString());
      run("mount", "-o", "loop", image.toString(), mount.toString());
      run("chmod", "0755", mount.toString());
      filesystems.put("xfs reflink (loop)", mount);
    } else {
      System.out.println("Not root: skipping the loop-mounted XFS (run as root to include it).");
    }
    List<String> table = new ArrayList<>();
    List<String> csv = new ArrayList<>();
    table.add("| filesystem | golden | strategy | create p50 | create p95 | reset p50 | reset p95 | destroy p50 | destroy p95 |");
    table.add("|---|---|---|---|---|---|---|---|---|");
    String handout = "";
    try {
      for (Map.Entry<String, Path> fs : filesystems.entrySet()) {
        try (LocalPostgres pg = BenchServers.cloneServer(fs.getValue()).start()) {
          for (int mb : sizes) {
            Golden golden = golden(mb);
            long t0 = System.nanoTime();
            try (CloneManager clones = CloneManagers.databases(pg).golden(golden).databasePrefix("bench_")
                .copyMethod(CopyMethod.FILE_CLONE).start()) {
              System.out.printf(Locale.ROOT, "%s: golden of %d MB built in %.1f s (%s)%n", fs.getKey(), mb,
                  (System.nanoTime() - t0) / 1e9, size(pg, clones.golden().name()));
              table.add(row(fs.getKey(), mb, clones, iterations, csv));
              if (handout.isEmpty() && mb == sizes[0]) {
                handout = handout(clones, Math.max(iterations, 30));
              }
            }
            try (CloneManager walLog = CloneManagers.databases(pg).golden(golden).databasePrefix("bench_")
                .copyMethod(CopyMethod.WAL_LOG).start()) {
              table.add(row(fs.getKey(), mb, walLog, mb >= 512 ? 3 : iterations, csv));
            }
          }
        }
      }
    } finally {
      if (mount != null) {
        run("umount", mount.toString());
        Files.deleteIfExists(mount);
      }
      if (image != null) {
        Files.deleteIfExists(image);
      }
    }
    System.out.println();
    table.forEach(System.out::println);
    System.out.println();
    System.out.println(handout);
    BenchResults.write("database-clones.csv", "filesystem,golden_mb,strategy,create_p50_ms,create_p95_ms,reset_p50_ms,reset_p95_ms,"
        + "destroy_p50_ms,destroy_p95_ms", csv);
  }

  private static Golden golden(int mb) {
    // ~250 bytes a row on disk with its tuple header and the primary key
    long rows = mb * 1024L * 1024L / 250;
    return Golden.fromScripts(List.of(Script.of("bench-" + mb + "mb.sql", """
        CREATE TABLE events (id bigint PRIMARY KEY, kind int NOT NULL, payload text NOT NULL);
        INSERT INTO events SELECT g, g %% 17, md5(g::text) || repeat('x', 150) FROM generate_series(1, %d) g;
        VACUUM ANALYZE events;
        """.formatted(rows))));
  }

  private static String row(String fs, int mb, CloneManager clones, int iterations, List<String> csv) {
    Stats create = new Stats();
    Stats reset = new Stats();
    Stats destroy = new Stats();
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      Clone c = clones.create("b" + i);
      create.add(System.nanoTime() - t0);
      t0 = System.nanoTime();
      c.reset();
      reset.add(System.nanoTime() - t0);
      t0 = System.nanoTime();
      c.destroy();
      destroy.add(System.nanoTime() - t0);
    }
    String strategy = clones.strategy().method() + (clones.strategy().constantTime() ? " (reflink)" : "");
    System.out.printf(Locale.ROOT, "  %-28s %5d MB %-22s create %s | reset %s | destroy %s%n", fs, mb, strategy,
        create.summary(), reset.summary(), destroy.summary());
    csv.add(String.format(Locale.ROOT, "%s,%d,%s,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f", BenchResults.field(fs), mb, strategy,
        create.percentile(50), create.percentile(95), reset.percentile(50), reset.percentile(95),
        destroy.percentile(50), destroy.percentile(95)));
    return String.format(Locale.ROOT, "| %s | %d MB | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |",
        fs, mb, strategy, create.percentile(50), create.percentile(95), reset.percentile(50), reset.percentile(95),
        destroy.percentile(50), destroy.percentile(95));
  }

  /**
   * A test's view: take a clone from a prefetching manager, use it for a typical short test, destroy
   * it. Closing the prefetching manager closes {@code clones} too; its caller closes it again, safely.
   */
  private static String handout(CloneManager clones, int n) throws Exception {
    Stats take = new Stats();
    try (CloneManager pool = CloneManagers.prefetching(clones, 2)) {
      Thread.sleep(3000); // let the spares be made, as they are while JUnit discovers tests
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        Clone c = pool.create();
        take.add(System.nanoTime() - t0);
        try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
          s.execute("DELETE FROM events WHERE id % 1000 = 1");
        }
        Thread.sleep(250); // the rest of a short test
        c.destroy();
      }
    }
    return "Pool handout (2 spares, 250 ms tests, first golden): " + take.summary();
  }

  private static String size(LocalPostgres pg, String db) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_size_pretty(pg_database_size('" + db + "'))")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void run(String... cmd) throws Exception {
    BenchStores.run(cmd);
  }
}
