package dev.lockplane.benchmarks;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.clones.DatabaseClonesBuilder;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * {@code STRATEGY WAL_LOG} against {@code STRATEGY FILE_COPY} (the managers' default: FILE_CLONE,
 * which on PostgreSQL 18 with {@code file_copy_method = clone} is FILE_COPY asking for a reflink)
 * for database-level clones, by golden size, on the temporary directory's filesystem and on a
 * loop-mounted XFS with reflink (root only), and, on a server with a temporary data directory, a
 * byte copy into a tablespace in memory ({@code clonesInMemory}). Two patterns, the strategies alternating within one
 * run so that the machine's load falls on both alike: create then drop one clone at a time, and the
 * pool's pattern (two producers making clones back to back while a consumer drops them). Each
 * figure is the median over the runs of that run's percentile; the load average is printed beside it.
 *
 * <pre>
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.CloneStrategyBenchmark [runs] [sizesMB] [iterations]
 * </pre>
 */
public final class CloneStrategyBenchmark {
  private CloneStrategyBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args runs (default 3), sizes in MB separated by commas (default 1,10,50,170), iterations
   *     a run (default 8; half above 100 MB)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int[] sizes = java.util.Arrays.stream((args.length > 1 ? args[1] : "1,10,50,170").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Map<String, Path> filesystems = new LinkedHashMap<>();
    filesystems.put(Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir"))).type(), null);
    Path image = null;
    Path mount = null;
    List<String> table = new ArrayList<>();
    table.add("| filesystem | golden | strategy | create+drop p50 | p95 | pool: create p50 | p95 | pool: clones/s | load (1 min) |");
    table.add("|---|---:|---|---:|---:|---:|---:|---:|---:|");
    try {
      if (BenchStores.run("id", "-u").trim().equals("0")) {
        image = Files.createTempFile("lockplane-strategy-xfs", ".img");
        mount = Files.createTempDirectory("lockplane-strategy-xfs");
        BenchStores.run("truncate", "-s", "8G", image.toString());
        BenchStores.run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", image.toString());
        BenchStores.run("mount", "-o", "loop", image.toString(), mount.toString());
        BenchStores.run("chmod", "0755", mount.toString());
        filesystems.put("xfs reflink (loop)", mount);
      } else {
        System.out.println("Not root: skipping the loop-mounted XFS.");
      }
      for (Map.Entry<String, Path> fs : filesystems.entrySet()) {
        try (LocalPostgres pg = BenchServers.cloneServer(fs.getValue()).start()) {
          for (int mb : sizes) {
            measure(pg, fs.getKey(), mb, runs, mb > 100 ? Math.max(2, iterations / 2) : iterations, table);
          }
        }
      }
    } finally {
      if (mount != null) {
        BenchStores.run("umount", mount.toString());
        Files.deleteIfExists(mount);
      }
      if (image != null) {
        Files.deleteIfExists(image);
      }
    }
    System.out.println();
    table.forEach(System.out::println);
  }

  /** A way of making clones: its label and how its manager is configured. */
  private record Variant(String label, java.util.function.UnaryOperator<DatabaseClonesBuilder> configure) {}

  private static List<Variant> variants(LocalPostgres pg) {
    List<Variant> v = new ArrayList<>(List.of(
        new Variant("FILE_CLONE", b -> b.copyMethod(CopyMethod.FILE_CLONE).clonesInMemory(false)),
        new Variant("WAL_LOG", b -> b.copyMethod(CopyMethod.WAL_LOG).clonesInMemory(false))));
    if (pg.memoryDirectory("probe").isPresent()) {
      v.add(new Variant("FILE_COPY in memory", b -> b.clonesInMemory(true)));
    }
    return v;
  }

  private static void measure(LocalPostgres pg, String fs, int mb, int runs, int iterations, List<String> table)
      throws Exception {
    Golden golden = golden(mb);
    List<Variant> variants = variants(pg);
    int n = variants.size();
    CloneManager[] managers = new CloneManager[n];
    try {
      for (int m = 0; m < n; m++) {
        // the same content hash: the later managers reuse the golden the first one built
        managers[m] = variants.get(m).configure().apply(CloneManagers.databases(pg).golden(golden).databasePrefix("strat_")).start();
      }
      double[][] p50 = new double[n][runs];
      double[][] p95 = new double[n][runs];
      double[][] poolP50 = new double[n][runs];
      double[][] poolP95 = new double[n][runs];
      double[][] rate = new double[n][runs];
      List<String> loads = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        loads.add(load());
        Stats[] one = new Stats[n];
        for (int m = 0; m < n; m++) {
          one[m] = new Stats();
        }
        for (int i = 0; i < iterations; i++) {
          for (int m = 0; m < n; m++) {
            int k = (m + i + r) % n; // rotate which goes first
            long t0 = System.nanoTime();
            managers[k].create("s" + i).destroy();
            one[k].add(System.nanoTime() - t0);
          }
        }
        for (int m = 0; m < n; m++) {
          int k = (m + r) % n;
          p50[k][r] = one[k].percentile(50);
          p95[k][r] = one[k].percentile(95);
          Stats create = new Stats();
          rate[k][r] = pool(managers[k], iterations * 2, create);
          poolP50[k][r] = create.percentile(50);
          poolP95[k][r] = create.percentile(95);
        }
      }
      for (int m = 0; m < n; m++) {
        String name = variants.get(m).label() + (managers[m].strategy().constantTime() ? " (reflink)" : "");
        String row = String.format(Locale.ROOT, "| %s | %d MB | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f | %s |",
            fs, mb, name, Stats.median(p50[m]), Stats.median(p95[m]), Stats.median(poolP50[m]),
            Stats.median(poolP95[m]), Stats.median(rate[m]), String.join(" / ", loads));
        System.out.println(row + "   runs p50: " + Stats.list(p50[m]) + "; pool clones/s: " + Stats.list(rate[m]));
        table.add(row);
      }
    } finally {
      for (CloneManager c : managers) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /** Two producers make {@code n} clones back to back while a consumer drops them; returns clones a second. */
  private static double pool(CloneManager clones, int n, Stats create) throws Exception {
    BlockingQueue<Clone> made = new LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(n);
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    Runnable producer = () -> {
      try {
        while (left.getAndDecrement() > 0) {
          long t0 = System.nanoTime();
          Clone c = clones.create();
          synchronized (create) {
            create.add(System.nanoTime() - t0);
          }
          made.add(c);
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      }
    };
    long t0 = System.nanoTime();
    Thread a = new Thread(producer, "producer-a");
    Thread b = new Thread(producer, "producer-b");
    a.start();
    b.start();
    int dropped = 0;
    while (dropped < n && failure.get() == null) {
      Clone c = made.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (c != null) {
        c.destroy();
        dropped++;
      }
    }
    a.join();
    b.join();
    for (Clone c; (c = made.poll()) != null; ) {
      c.destroy();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a producer failed", failure.get());
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  private static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  private static Golden golden(int mb) {
    // ~250 bytes a row on disk with its tuple header and the primary key (as DatabaseCloneBenchmark)
    long rows = mb * 1024L * 1024L / 250;
    return Golden.fromScripts(List.of(Script.of("strategy-" + mb + "mb.sql", """
        CREATE TABLE events (id bigint PRIMARY KEY, kind int NOT NULL, payload text NOT NULL);
        INSERT INTO events SELECT g, g %% 17, md5(g::text) || repeat('x', 150) FROM generate_series(1, %d) g;
        VACUUM ANALYZE events;
        """.formatted(rows))));
  }
}
