package dev.lockplane.benchmarks;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Goldens from a server: the time from "prepare" to the first clone for a logical source ({@code
 * pg_dump -Fd -j} of a PostgreSQL 15 server playing production, restored with {@code pg_restore
 * -j} into the clone server) and a physical one (a base backup over the replication protocol, as
 * instance clones on plain-copy storage), and clone-create p50 after that — side by side, in the same run, with
 * what a team does by hand: {@code pg_dump -Fc | pg_restore} into a fresh database (once per copy),
 * and the directory-format dump with the same parallel jobs.
 *
 * <pre>
 * mvn -B -ntp -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.GoldenSourceBenchmark [sizeMB] [jobs] [clones]
 * </pre>
 *
 * Needs PostgreSQL 15 binaries and Debian's {@code postgresql-client-15} (pg_dump, pg_restore).
 */
public final class GoldenSourceBenchmark {
  private GoldenSourceBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args source size in MB (default 1000), parallel jobs (default 2), clones to create (default 20)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    try (LocalPostgres source = LocalPostgres.builder().version(15).setting("max_wal_size", "4GB").start();
        LocalPostgres target = LocalPostgres.builder().setting("max_wal_size", "4GB").setting("shared_buffers", "256MB")
            .start()) {
      fill(source, mb);
      String size = BenchServers.query(source, "SELECT pg_size_pretty(pg_database_size('shop'))");
      System.out.printf(Locale.ROOT, "source: PostgreSQL %s, database shop %s; clone server PostgreSQL %s%n",
          BenchServers.query(source, "SHOW server_version"), size, BenchServers.query(target, "SHOW server_version"));
      Path bin = source.installation().tool("pg_dump").orElseThrow(
          () -> new IllegalStateException("no pg_dump 15: apt-get install postgresql-client-15")).getParent();
      List<String> rows = new ArrayList<>();
      rows.add("| way | prepare → first copy | next copy p50 | next copy p95 |");
      rows.add("|---|---:|---:|---:|");

      String url = "postgres://" + source.host() + ":" + source.port() + "/shop";
      long t0 = System.nanoTime();
      try (CloneManager clones = CloneManagers.databases(target)
          .golden(Golden.fromServer(url, source.user(), source.password()).jobs(jobs)).databasePrefix("gsb_").start()) {
        Clone first = clones.create("first");
        long firstMs = (System.nanoTime() - t0) / 1_000_000;
        Stats create = new Stats();
        for (int i = 0; i < n; i++) {
          long c0 = System.nanoTime();
          clones.create("c" + i);
          create.add(System.nanoTime() - c0);
        }
        check(first);
        rows.add(row("Lockplane logical golden (pg_dump -Fd -j" + jobs + ", then clones)", firstMs, create));
      }

      // physical: a base backup over the replication protocol becomes an instance golden; clones are
      // storage copies (a plain copy here: on XFS/btrfs or ZFS they cost constant time, see
      // InstanceCloneBenchmark)
      Path store = Files.createTempDirectory("gsb-store");
      try {
        dev.lockplane.internal.os.Posix.chmod(store, "rwxr-xr-x");
        long p0 = System.nanoTime();
        try (dev.lockplane.instances.InstanceCloneManager clones = dev.lockplane.instances.InstanceClones
            .on(dev.lockplane.storage.CowStorages.copy(store))
            .golden(Golden.fromServer(url, source.user(), source.password()).physical())
            .database("shop").portRange(47900, 47949).setting("shared_buffers", "64MB").start()) {
          Clone first = clones.create("first");
          long firstMs = (System.nanoTime() - p0) / 1_000_000;
          check(first);
          Stats create = new Stats();
          for (int i = 0; i < Math.min(n, 5); i++) {
            long c0 = System.nanoTime();
            clones.create("p" + i);
            create.add(System.nanoTime() - c0);
          }
          rows.add(row("Lockplane physical golden (pg_basebackup, copy storage)", firstMs, create));
        }
      } finally {
        BenchFiles.deleteQuietly(store);
      }

      Stats pipe = new Stats();
      long pipeFirst = 0;
      int copies = Math.max(1, Math.min(3, n));
      for (int i = 0; i < copies; i++) {
        String db = "pipe_" + i;
        BenchServers.exec(target, "CREATE DATABASE " + db);
        long p0 = System.nanoTime();
        BenchServers.sh(source, target, bin.resolve("pg_dump") + " -Fc -h " + source.host() + " -p " + source.port() + " -U "
            + source.user() + " shop | " + bin.resolve("pg_restore") + " --no-owner -h " + target.host() + " -p "
            + target.port() + " -U " + target.user() + " -d " + db);
        long took = System.nanoTime() - p0;
        if (i == 0) {
          pipeFirst = took / 1_000_000;
        } else {
          pipe.add(took);
        }
        BenchServers.exec(target, "DROP DATABASE " + db);
      }
      rows.add(row("pg_dump -Fc \\| pg_restore, per copy", pipeFirst, pipe));

      Path dir = Files.createTempDirectory("gsb-dump");
      try {
        BenchServers.exec(target, "CREATE DATABASE dirdump");
        long d0 = System.nanoTime();
        BenchServers.sh(source, target, bin.resolve("pg_dump") + " -Fd -j " + jobs + " -f " + dir.resolve("d") + " -h " + source.host()
            + " -p " + source.port() + " -U " + source.user() + " shop && " + bin.resolve("pg_restore") + " -j " + jobs
            + " --no-owner -h " + target.host() + " -p " + target.port() + " -U " + target.user() + " -d dirdump "
            + dir.resolve("d"));
        rows.add(row("pg_dump -Fd -j" + jobs + " + pg_restore -j" + jobs + ", per copy", (System.nanoTime() - d0) / 1_000_000,
            new Stats()));
        BenchServers.exec(target, "DROP DATABASE dirdump");
      } finally {
        BenchFiles.deleteQuietly(dir);
      }
      rows.forEach(System.out::println);
    }
  }

  private static String row(String way, long firstMs, Stats next) {
    return String.format(Locale.ROOT, "| %s | %.1f s | %s | %s |", way, firstMs / 1000.0,
        next.count() == 0 ? "(same)" : String.format(Locale.ROOT, "%.0f ms", next.percentile(50)),
        next.count() == 0 ? "" : String.format(Locale.ROOT, "%.0f ms", next.percentile(95)));
  }

  /** About {@code mb} MB: orders with a text payload and an index, customers, a view. */
  private static void fill(LocalPostgres pg, int mb) throws SQLException {
    BenchServers.exec(pg, "CREATE DATABASE shop");
    long rows = Math.max(1000, mb * 7_000L);
    try (Connection c = pg.connect("shop"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)");
      s.execute("INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 10000) g");
      s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer int REFERENCES customers, amount numeric(12,2),"
          + " note text, at timestamptz)");
      s.execute("INSERT INTO orders SELECT g, 1 + g % 10000, (g % 1000) / 10.0, repeat(md5(g::text), 2),"
          + " '2026-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, " + rows + ") g");
      s.execute("CREATE INDEX orders_customer_idx ON orders (customer)");
      s.execute("CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 90");
      s.execute("VACUUM ANALYZE");
    }
  }

  private static void check(Clone clone) throws SQLException {
    try (Connection c = clone.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      if (rs.getLong(1) == 0) {
        throw new IllegalStateException("the clone has no orders");
      }
    }
  }



}
