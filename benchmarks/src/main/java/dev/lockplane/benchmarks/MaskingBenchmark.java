package dev.lockplane.benchmarks;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.golden.FakeKind;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.Masking;
import dev.lockplane.golden.MaskingKey;
import dev.lockplane.golden.MaskingReport;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Masked goldens: masking throughput (rows/s and MB/s of the masked table) with 5 masked columns
 * (email, full name, phone, card number, date of birth), and the whole preparation (pg_dump -Fd -j
 * of a PostgreSQL 15 server playing production, pg_restore -j into the clone server, masking, the
 * rewrite that leaves no original value), beside a plain {@code pg_dump -Fc | pg_restore} of the
 * whole database in the same run.
 *
 * <pre>
 * mvn -B -ntp -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.MaskingBenchmark [sizeMB] [jobs]
 * </pre>
 *
 * Needs PostgreSQL 15 binaries and Debian's {@code postgresql-client-15} (pg_dump, pg_restore).
 */
public final class MaskingBenchmark {
  private MaskingBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args source size in MB (default 1000), parallel jobs (default 2)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path keyFile = Files.createTempFile("masking-benchmark", ".key");
    Files.writeString(keyFile, "benchmark key");
    try (LocalPostgres source = LocalPostgres.builder().version(15).setting("max_wal_size", "4GB").start();
        LocalPostgres target = LocalPostgres.builder().setting("max_wal_size", "4GB").setting("shared_buffers", "256MB")
            .start()) {
      long rows = fill(source, mb);
      long bytes = Long.parseLong(BenchServers.query(source, "crm", "SELECT pg_total_relation_size('customers')"));
      System.out.printf(Locale.ROOT, "source: PostgreSQL %s, database crm %s (customers: %,d rows, %s with indexes);"
              + " clone server PostgreSQL %s%n", BenchServers.query(source, "postgres", "SHOW server_version"),
          BenchServers.query(source, "postgres", "SELECT pg_size_pretty(pg_database_size('crm'))"), rows,
          BenchServers.query(source, "crm", "SELECT pg_size_pretty(pg_total_relation_size('customers'))"),
          BenchServers.query(target, "postgres", "SHOW server_version"));
      Path bin = source.installation().tool("pg_dump").orElseThrow(
          () -> new IllegalStateException("no pg_dump 15: apt-get install postgresql-client-15")).getParent();

      Masking masking = Masking.builder().key(MaskingKey.file(keyFile))
          .rule("customers", "email", MaskRule.fake(FakeKind.EMAIL))
          .rule("customers", "full_name", MaskRule.fake(FakeKind.FULL_NAME))
          .rule("customers", "phone", MaskRule.fake(FakeKind.PHONE))
          .rule("customers", "card", MaskRule.fake(FakeKind.CREDIT_CARD))
          .rule("customers", "born", MaskRule.dateOfBirth(180))
          .build();
      String url = "postgres://" + source.host() + ":" + source.port() + "/crm";
      long t0 = System.nanoTime();
      MaskingReport report;
      try (CloneManager clones = CloneManagers.databases(target).databasePrefix("mkb_")
          .golden(Golden.fromServer(url, source.user(), source.password()).jobs(jobs).masked(masking)).start()) {
        Clone first = clones.create("first");
        long prepareMs = (System.nanoTime() - t0) / 1_000_000;
        report = CloneManagers.maskingReport(clones).orElseThrow();
        check(first);
        double s = report.duration().toMillis() / 1000.0;
        System.out.printf(Locale.ROOT, "| Lockplane masked golden: prepare → first clone (dump, restore, mask, rewrite) | %.1f s |%n",
            prepareMs / 1000.0);
        System.out.printf(Locale.ROOT, "| of which masking 5 columns of %,d rows (with the rewrite and statistics) | %.1f s"
            + " = %,.0f rows/s, %.1f MB/s |%n", rows, s, rows / s, bytes / 1e6 / s);
      }

      BenchServers.exec(target, "CREATE DATABASE pipe");
      long p0 = System.nanoTime();
      BenchServers.sh(source, target, bin.resolve("pg_dump") + " -Fc -h " + source.host() + " -p " + source.port() + " -U "
          + source.user() + " crm | " + bin.resolve("pg_restore") + " --no-owner -h " + target.host() + " -p "
          + target.port() + " -U " + target.user() + " -d pipe");
      System.out.printf(Locale.ROOT, "| pg_dump -Fc \\| pg_restore of the whole database (unmasked) | %.1f s |%n",
          (System.nanoTime() - p0) / 1e9);
      BenchServers.exec(target, "DROP DATABASE pipe");
    } finally {
      Files.deleteIfExists(keyFile);
    }
  }

  /** About {@code mb} MB: customers with five personal columns and a payload, an index on the email. */
  private static long fill(LocalPostgres pg, int mb) throws SQLException {
    BenchServers.exec(pg, "CREATE DATABASE crm");
    long rows = Math.max(1000, mb * 4_500L);
    try (Connection c = pg.connect("crm"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id bigint PRIMARY KEY, email text UNIQUE NOT NULL, full_name text, phone text,"
          + " card text, born date, segment int, payload text)");
      s.execute("INSERT INTO customers SELECT g, 'customer' || g || '@corp.example', 'Customer Number ' || g,"
          + " '+33 1 ' || lpad(g::text, 8, '0'), '4111' || lpad(g::text, 12, '0'), date '1950-01-01' + g % 20000,"
          + " g % 100, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, " + rows + ") g");
      s.execute("VACUUM ANALYZE");
    }
    return rows;
  }

  private static void check(Clone clone) throws SQLException {
    try (Connection c = clone.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM customers WHERE email LIKE '%@corp.example'")) {
      rs.next();
      if (rs.getLong(1) != 0) {
        throw new IllegalStateException("the clone has unmasked emails");
      }
    }
  }



}
