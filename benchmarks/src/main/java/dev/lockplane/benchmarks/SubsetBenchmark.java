package dev.lockplane.benchmarks;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.golden.Subset;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Subset goldens: the time from "prepare" to the first clone of a 10 % subset of a server's
 * database (a seeded sample of the orders, their line items along the foreign key, the customers
 * and products they reference), read in pieces from one snapshot of a PostgreSQL 15 server playing
 * production — against a plain {@code pg_dump -Fc | pg_restore} of the whole database in the same
 * run, and against the same subset made in place in a copy of the whole ({@code fromDatabase}).
 *
 * <pre>
 * mvn -B -ntp -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.SubsetBenchmark [sizeMB] [percent]
 * </pre>
 *
 * Needs PostgreSQL 15 binaries and Debian's {@code postgresql-client-15} (pg_dump, pg_restore).
 */
public final class SubsetBenchmark {
  private SubsetBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args source size in MB (default 1000), the share of orders kept in percent (default 10)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    double percent = args.length > 1 ? Double.parseDouble(args[1]) : 10;
    try (LocalPostgres source = LocalPostgres.builder().version(15).setting("max_wal_size", "4GB").start();
        LocalPostgres target = LocalPostgres.builder().setting("max_wal_size", "4GB").setting("shared_buffers", "256MB")
            .start()) {
      fill(source, mb);
      System.out.printf(Locale.ROOT, "source: PostgreSQL %s, database shop %s; clone server PostgreSQL %s%n",
          BenchServers.query(source, "SHOW server_version"), BenchServers.query(source, "SELECT pg_size_pretty(pg_database_size('shop'))"),
          BenchServers.query(target, "SHOW server_version"));
      Path bin = source.installation().tool("pg_dump").orElseThrow(
          () -> new IllegalStateException("no pg_dump 15: apt-get install postgresql-client-15")).getParent();
      Subset subset = Subset.builder().sample("public.orders", percent).alsoReferencing("public.items", "items_order_id_fkey")
          .others(Subset.Others.EMPTY).seed(1).build();
      List<String> rows = new ArrayList<>();
      rows.add("| way | prepare → first copy | rows in the copy (orders / items / customers / products) | size of the copy |");
      rows.add("|---|---:|---|---:|");

      String url = "postgres://" + source.host() + ":" + source.port() + "/shop";
      long t0 = System.nanoTime();
      try (CloneManager clones = CloneManagers.databases(target)
          .golden(Golden.fromServer(url, source.user(), source.password()).subset(subset)).databasePrefix("sub_").start()) {
        Clone first = clones.create("first");
        rows.add(row("Lockplane subset " + percent + " % from the server (schema, COPY of kept rows, post-data)", t0, first));
      }

      BenchServers.exec(target, "CREATE DATABASE whole");
      long p0 = System.nanoTime();
      BenchServers.sh(source, target, bin.resolve("pg_dump") + " -Fc -h " + source.host() + " -p " + source.port() + " -U "
          + source.user() + " shop | " + bin.resolve("pg_restore") + " --no-owner -h " + target.host() + " -p "
          + target.port() + " -U " + target.user() + " -d whole");
      long pipeMs = (System.nanoTime() - p0) / 1_000_000;
      rows.add(String.format(Locale.ROOT, "| pg_dump -Fc \\| pg_restore of the whole | %.1f s | %s | %s |", pipeMs / 1000.0,
          counts(target, "whole"), BenchServers.query(target, "SELECT pg_size_pretty(pg_database_size('whole'))")));

      long i0 = System.nanoTime();
      try (CloneManager clones = CloneManagers.databases(target)
          .golden(Golden.fromDatabase("whole").subset(subset)).databasePrefix("sip_").start()) {
        Clone first = clones.create("first");
        rows.add(row("Lockplane subset " + percent + " % in place in a copy of the whole (after the restore above)", i0,
            first));
      }
      BenchServers.exec(target, "DROP DATABASE whole");
      rows.forEach(System.out::println);
    }
  }

  private static String row(String way, long t0, Clone first) throws SQLException {
    long ms = (System.nanoTime() - t0) / 1_000_000;
    String db = query(first, "SELECT current_database()");
    return String.format(Locale.ROOT, "| %s | %.1f s | %s | %s |", way, ms / 1000.0, counts(first),
        query(first, "SELECT pg_size_pretty(pg_database_size('" + db + "'))"));
  }

  private static final String COUNTS = "SELECT (SELECT count(*) FROM orders) || ' / ' || (SELECT count(*) FROM items)"
      + " || ' / ' || (SELECT count(*) FROM customers) || ' / ' || (SELECT count(*) FROM products)";

  private static String counts(Clone c) throws SQLException {
    return query(c, COUNTS);
  }

  private static String counts(LocalPostgres pg, String db) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(COUNTS)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * About {@code mb} MB: orders (with a text note) of customers, two line items per order that
   * reference products, indexes on the foreign keys.
   */
  private static void fill(LocalPostgres pg, int mb) throws SQLException {
    BenchServers.exec(pg, "CREATE DATABASE shop");
    long orders = Math.max(1000, mb * 3_000L);
    try (Connection c = pg.connect("shop"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, referred_by int REFERENCES customers)");
      s.execute("INSERT INTO customers SELECT g, 'customer ' || g, NULLIF(g / 2, 0) FROM generate_series(1, 100000) g");
      s.execute("CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL)");
      s.execute("INSERT INTO products SELECT g, 'product ' || g FROM generate_series(1, 10000) g");
      s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer int NOT NULL REFERENCES customers,"
          + " note text, at timestamptz)");
      s.execute("INSERT INTO orders SELECT g, 1 + g % 100000, repeat(md5(g::text), 2),"
          + " '2026-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, " + orders + ") g");
      s.execute("CREATE TABLE items (order_id bigint NOT NULL REFERENCES orders, n int NOT NULL,"
          + " product int NOT NULL REFERENCES products, qty int, PRIMARY KEY (order_id, n))");
      s.execute("INSERT INTO items SELECT o, n, 1 + (o * n) % 10000, n FROM generate_series(1, " + orders + ") o,"
          + " generate_series(1, 2) n");
      s.execute("CREATE INDEX orders_customer_idx ON orders (customer)");
      s.execute("CREATE INDEX items_product_idx ON items (product)");
      s.execute("VACUUM ANALYZE");
    }
  }




  private static String query(Clone clone, String sql) throws SQLException {
    try (Connection c = clone.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
