package dev.lockplane.benchmarks;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.trace.MigrationSource;
import dev.lockplane.trace.MigrationTrace;
import dev.lockplane.trace.QueryCheck;
import dev.lockplane.trace.TraceReport;
import dev.lockplane.trace.TracedStatement;
import dev.lockplane.trace.Workload;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What tracing costs: the same migration on clones of one golden, run plainly over JDBC and traced
 * (locks sampled every millisecond, catalog and WAL read between statements), then traced with a
 * query-plan comparison and with a 200 queries/s workload. Each variant runs several times; medians.
 *
 * <pre>
 * mvn -B -ntp -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.TraceBenchmark [rows] [runs]
 * </pre>
 */
public final class TraceBenchmark {
  private static final List<String> MIGRATION = List.of(
      "SET lock_timeout = '5s'",
      "ALTER TABLE orders ADD COLUMN note text",
      "ALTER TABLE orders ADD COLUMN shipped boolean DEFAULT false",
      "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer)",
      "ALTER TABLE orders ADD CONSTRAINT orders_amount_nonneg CHECK (amount >= 0) NOT VALID",
      "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_nonneg",
      "UPDATE orders SET note = 'n' WHERE id % 10 = 0",
      "CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint, amount int)",
      "ALTER TABLE refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID",
      "ALTER TABLE refunds VALIDATE CONSTRAINT refunds_order_fk");

  private TraceBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args rows of the orders table (default 1 000 000), runs per variant (default 3)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Golden golden = Golden.fromScripts(List.of(Script.of("orders.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer int, amount int);\n"
            + "INSERT INTO orders SELECT g, g % 5000, g % 997 FROM generate_series(1, " + rows + ") g;\n"
            + "VACUUM ANALYZE orders;\n")));
    String script = String.join(";\n", MIGRATION) + ";\n";
    MigrationSource source = new MigrationSource.SqlScripts(List.of(Script.of("V1__orders.sql", script)));
    Workload load = new Workload(List.of(new Workload.Query("SELECT amount FROM orders WHERE id = 4711", 150),
        new Workload.Query("UPDATE orders SET amount = amount + 1 WHERE id = 815", 50)), 4, Duration.ofSeconds(1), 1);
    QueryCheck queries = QueryCheck.of("SELECT count(*) FROM orders WHERE customer = 42",
        "SELECT amount FROM orders WHERE id = 4711").runs(5);
    try (LocalPostgres pg = LocalPostgres.builder().start();
        CloneManager clones = CloneManagers.databases(pg).golden(golden).start()) {
      System.out.printf(Locale.ROOT, "PostgreSQL %d, orders: %,d rows, %d statements, medians of %d runs%n%n",
          pg.majorVersion(), rows, MIGRATION.size(), runs);
      Stats plain = new Stats();
      Stats plainWall = new Stats();
      Stats tracedStatements = new Stats();
      Stats traced = new Stats();
      Stats withQueries = new Stats();
      Stats withLoad = new Stats();
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        Clone c = clones.create("plain" + r);
        long t1 = System.nanoTime();
        try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
          for (String sql : MIGRATION) {
            s.execute(sql);
          }
        } finally {
          long t2 = System.nanoTime();
          c.destroy();
          plain.add(t2 - t1);
          plainWall.add(System.nanoTime() - t0);
        }
        long t3 = System.nanoTime();
        TraceReport report = MigrationTrace.builder().source(source).on(clones).build().run();
        traced.add(System.nanoTime() - t3);
        tracedStatements.add(report.statements().stream().map(TracedStatement::duration).mapToLong(Duration::toNanos).sum());
        check(report);
        long t4 = System.nanoTime();
        check(MigrationTrace.builder().source(source).on(clones).queries(queries).build().run());
        withQueries.add(System.nanoTime() - t4);
        long t5 = System.nanoTime();
        check(MigrationTrace.builder().source(source).on(clones).load(load).build().run());
        withLoad.add(System.nanoTime() - t5);
      }
      double base = plainWall.percentile(50);
      System.out.println("| variant | median | × plain (clone + run + drop) |");
      System.out.println("|---|---:|---:|");
      row("plain: the statements over JDBC", plain, base);
      row("plain, with clone create and destroy", plainWall, base);
      row("traced: the statements' own time", tracedStatements, base);
      row("traced: whole trace (clone, observe, destroy)", traced, base);
      row("traced + 2 queries compared (5 runs each)", withQueries, base);
      row("traced + workload 200/s (second timed run)", withLoad, base);
    }
  }

  private static void check(TraceReport r) {
    if (!r.succeeded()) {
      throw new IllegalStateException("the migration failed: " + r.failure().orElseThrow());
    }
  }

  private static void row(String name, Stats s, double base) {
    System.out.printf(Locale.ROOT, "| %s | %.0f ms | %.2f |%n", name, s.percentile(50), s.percentile(50) / base);
  }
}
