package dev.lockplane.benchmarks;

import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.instances.InstanceCloneManager;
import dev.lockplane.instances.InstanceClones;
import dev.lockplane.storage.CowStorage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Instance clones side by side: for each storage and golden size, the time from {@code create} to a
 * clone that answers a query, and the time of {@code reset} (after a write) to a clone that answers
 * again, as p50/p95 over several runs, in one JVM run. Needs root (loop mounts, a ZFS pool). The
 * table is also written as {@code instance-clones.csv} for {@link Charts}.
 *
 * <pre>
 * java -cp ... dev.lockplane.benchmarks.InstanceCloneBenchmark \
 *     --sizes 100,1000,5000 --storages zfs,xfs,btrfs,copy --runs 10 --copy-runs 5 --work /var/tmp/lockplane-bench
 * </pre>
 */
public final class InstanceCloneBenchmark {
  private InstanceCloneBenchmark() {}

  private record Row(String storage, int megabytes, long goldenMillis, long logicalBytes, double[] create, double[] reset) {}

  /**
   * Runs the benchmark and prints a Markdown table.
   *
   * @param args {@code --sizes MB,...}, {@code --storages zfs,xfs,btrfs,copy}, {@code --runs N},
   *     {@code --copy-runs N} (runs for the linear copy store),
   *     {@code --work DIR}
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of(
        "--sizes", "100,1000", "--storages", "zfs,xfs,btrfs,copy", "--runs", "10", "--copy-runs", "5", "--work", "/var/tmp/lockplane-bench"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opt.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + opt.keySet());
      }
      opt.put(args[i], args[i + 1]);
    }
    int[] sizes = Arrays.stream(opt.get("--sizes").split(",")).mapToInt(Integer::parseInt).toArray();
    int runs = Integer.parseInt(opt.get("--runs"));
    // the copy store takes seconds per clone of a large golden: fewer runs keep the whole run short
    int linearRuns = Integer.parseInt(opt.get("--copy-runs"));
    int maxMb = Arrays.stream(sizes).max().orElse(100);
    long gigabytes = Math.max(2, (long) Math.ceil(maxMb * 2.5 / 1000.0) + 1);
    List<Row> rows = new ArrayList<>();
    int port = 47000;
    for (String kind : opt.get("--storages").split(",")) {
      // one store at a time, removed before the next, so the disk holds one set of goldens
      try (BenchStores stores = new BenchStores(Path.of(opt.get("--work")))) {
        CowStorage storage = stores.open(kind, gigabytes);
        for (int mb : sizes) {
          rows.add(measure(kind, storage, mb, storage.constantTime() ? runs : linearRuns, port));
          port += 100;
          for (String v : storage.volumes()) {
            storage.destroy(v); // goldens of this size: free the space for the next one
          }
          System.err.printf(Locale.ROOT, "done: %s %d MB%n", kind, mb);
        }
      }
    }
    print(rows, sizes);
    List<String> csv = new ArrayList<>();
    for (Row r : rows) {
      csv.add(String.format(Locale.ROOT, "%s,%d,%.2f,%.2f,%.2f,%.2f", r.storage(), r.megabytes(),
          pct(r.create(), 50), pct(r.create(), 95), pct(r.reset(), 50), pct(r.reset(), 95)));
    }
    BenchResults.write("instance-clones.csv", "storage,golden_mb,create_p50_ms,create_p95_ms,reset_p50_ms,reset_p95_ms", csv);
  }

  private static Row measure(String kind, CowStorage storage, int mb, int runs, int port) throws SQLException {
    // a row of ~320 bytes with its index entry on disk: md5 text does not compress, so every store holds the full size
    long rowsWanted = mb * 1_000_000L / 320;
    Golden golden = Golden.fromScripts(List.of(Script.of("bench-" + mb + "mb.sql",
        "CREATE TABLE big (id bigint PRIMARY KEY, pad text NOT NULL);\n"
            + "INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, " + rowsWanted + ") g;\n"
            + "VACUUM ANALYZE big;\nCHECKPOINT;\n")));
    long t0 = System.nanoTime();
    try (InstanceCloneManager m = InstanceClones.on(storage).golden(golden).portRange(port, port + 99)
        .setting("shared_buffers", "64MB").setting("wal_init_zero", "off")
        // a small WAL budget keeps the golden's data directory close to its table size
        .setting("max_wal_size", "96MB").setting("min_wal_size", "32MB").start()) {
      long goldenMillis = (System.nanoTime() - t0) / 1_000_000;
      double[] create = new double[runs];
      double[] reset = new double[runs];
      long logical = 0;
      // one warm-up clone, not counted: first use of the binaries and the page cache
      m.create("warmup").destroy();
      for (int i = 0; i < runs; i++) {
        long a = System.nanoTime();
        InstanceClone c = m.create("bench-" + i);
        answer(c);
        create[i] = (System.nanoTime() - a) / 1e6;
        try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
          s.execute("UPDATE big SET pad = 'changed' WHERE id <= 1000");
        }
        long b = System.nanoTime();
        c.reset();
        answer(c);
        reset[i] = (System.nanoTime() - b) / 1e6;
        if (i == 0) {
          logical = c.logicalSize();
        }
        c.destroy();
      }
      return new Row(kind, mb, goldenMillis, logical, create, reset);
    }
  }

  private static void answer(InstanceClone c) throws SQLException {
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM big WHERE id = 1")) {
      rs.next();
      if (rs.getLong(1) != 1) {
        throw new IllegalStateException("clone " + c.name() + " lost its data");
      }
    }
  }

  private static double pct(double[] v, double p) {
    double[] s = v.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  private static void print(List<Row> rows, int[] sizes) {
    System.out.println("| storage | golden | data dir | golden build | create p50 | create p95 | reset p50 | reset p95 |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %s | %d MB | %d MB | %.1f s | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n",
          r.storage(), r.megabytes(), r.logicalBytes() / 1_000_000, r.goldenMillis() / 1000.0,
          pct(r.create(), 50), pct(r.create(), 95), pct(r.reset(), 50), pct(r.reset(), 95));
    }
    if (sizes.length > 1) {
      int lo = Arrays.stream(sizes).min().getAsInt();
      int hi = Arrays.stream(sizes).max().getAsInt();
      System.out.println();
      System.out.println("| storage | create p50 ratio " + hi + " MB / " + lo + " MB | reset p50 ratio |");
      System.out.println("|---|---:|---:|");
      for (String kind : rows.stream().map(Row::storage).distinct().toList()) {
        Row a = rows.stream().filter(r -> r.storage().equals(kind) && r.megabytes() == lo).findFirst().orElseThrow();
        Row b = rows.stream().filter(r -> r.storage().equals(kind) && r.megabytes() == hi).findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", kind,
            pct(b.create(), 50) / pct(a.create(), 50), pct(b.reset(), 50) / pct(a.reset(), 50));
      }
    }
  }
}
