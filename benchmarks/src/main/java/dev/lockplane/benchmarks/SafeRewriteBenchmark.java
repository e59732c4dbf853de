package dev.lockplane.benchmarks;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.LockHold;
import dev.lockplane.safety.SafeRewrites;
import dev.lockplane.safety.ShadowValidation;
import dev.lockplane.safety.SqlStep;
import dev.lockplane.safety.StepResult;
import dev.lockplane.safety.TableStatistics;
import dev.lockplane.safety.ValidationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Naive schema changes against their safe rewrites, measured side by side by shadow validation on
 * clones of one golden: the time each keeps writes blocked (any lock at least SHARE) and reads
 * blocked (ACCESS EXCLUSIVE), summed over its steps, the total time and the WAL. The blocked
 * times are also written as {@code safe-rewrite.csv} for {@link Charts}.
 *
 * <pre>
 * mvn -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.SafeRewriteBenchmark [rows]
 * </pre>
 */
public final class SafeRewriteBenchmark {
  private SafeRewriteBenchmark() {}

  private record Change(String name, List<SqlStep> naive, List<SqlStep> safe) {}

  /**
   * Runs the benchmark.
   *
   * @param args the row count of the table (default 5 000 000)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    Golden golden = Golden.fromScripts(List.of(Script.of("orders.sql",
        "CREATE TABLE orders (id bigint NOT NULL, customer_id int, amount int, code bigint);\n"
            + "INSERT INTO orders SELECT g, g % 1000, g % 997, g FROM generate_series(1, " + rows + ") g;\n"
            + "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);\n"
            + "VACUUM ANALYZE orders;\n")));
    List<Change> changes = List.of(
        new Change("int → bigint vs new column",
            List.of(SqlStep.of("ALTER TABLE orders ALTER COLUMN amount TYPE bigint")),
            List.of(SqlStep.of("ALTER TABLE orders ADD COLUMN amount_big bigint DEFAULT 0"))),
        new Change("CHECK",
            List.of(SqlStep.of("ALTER TABLE orders ADD CONSTRAINT orders_amount_nonneg CHECK (amount >= 0)")),
            SafeRewrites.addCheck("orders", "orders_amount_nonneg", "amount >= 0")),
        new Change("SET NOT NULL",
            List.of(SqlStep.of("ALTER TABLE orders ALTER COLUMN amount SET NOT NULL")),
            SafeRewrites.setNotNull("orders", "amount")),
        new Change("index",
            List.of(SqlStep.of("CREATE INDEX orders_customer_idx ON orders (customer_id)")),
            List.of(SafeRewrites.createIndexConcurrently("orders_customer_idx", "orders", List.of("customer_id"), false))),
        new Change("UNIQUE",
            List.of(SqlStep.of("ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code)")),
            SafeRewrites.addUnique("orders", "orders_code_key", List.of("code"))));
    try (LocalPostgres pg = LocalPostgres.builder().start();
         CloneManager clones = CloneManagers.databases(pg).golden(golden).start()) {
      System.out.printf(Locale.ROOT, "PostgreSQL %d, orders: %s rows%n%n", pg.majorVersion(), String.format("%,d", rows));
      System.out.println("| change | variant | steps | writes blocked | reads blocked | total time | WAL |");
      System.out.println("|---|---|---|---|---|---|---|");
      List<String> csv = new ArrayList<>();
      for (Change c : changes) {
        double[] naive = measure(clones, c.name(), "naive", c.naive());
        double[] safe = measure(clones, c.name(), "safe", c.safe());
        csv.add(String.format(Locale.ROOT, "%s,naive,%.2f,%.2f", BenchResults.field(c.name()), naive[0], naive[1]));
        csv.add(String.format(Locale.ROOT, "%s,safe,%.2f,%.2f", BenchResults.field(c.name()), safe[0], safe[1]));
        System.out.printf(Locale.ROOT, "| %s | ratio naive/safe | | %s | %s | | |%n", c.name(),
            ratio(naive[0], safe[0]), ratio(naive[1], safe[1]));
      }
      BenchResults.write("safe-rewrite.csv", "change,variant,writes_blocked_ms,reads_blocked_ms", csv);
    }
  }

  private static String ratio(double naive, double safe) {
    if (naive == 0) {
      return "—";
    }
    return safe == 0 ? "never blocked" : String.format(Locale.ROOT, "%.0f×", naive / safe);
  }

  private static double[] measure(CloneManager clones, String change, String variant, List<SqlStep> steps) {
    ValidationReport r = ShadowValidation.on(clones).steps(steps).build().run();
    if (!r.stepsSucceeded()) {
      throw new IllegalStateException(change + " (" + variant + ") failed:\n" + r);
    }
    double writes = 0;
    double reads = 0;
    double total = 0;
    long wal = 0;
    for (StepResult s : r.steps()) {
      // Per step, the longest hold in a write-blocking and in a read-blocking mode on any relation.
      writes += s.locks().stream().filter(l -> l.mode().blocksWrites()).map(LockHold::heldFor)
          .max(Duration::compareTo).orElse(Duration.ZERO).toNanos() / 1e6;
      reads += s.locks().stream().filter(l -> l.mode().blocksReads()).map(LockHold::heldFor)
          .max(Duration::compareTo).orElse(Duration.ZERO).toNanos() / 1e6;
      total += s.wallTime().toNanos() / 1e6;
      wal += s.walBytes();
    }
    System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f ms | %.1f ms | %.1f ms | %s |%n", change, variant,
        r.steps().size(), writes, reads, total, TableStatistics.humanBytes(wal));
    return new double[] {writes, reads};
  }
}
