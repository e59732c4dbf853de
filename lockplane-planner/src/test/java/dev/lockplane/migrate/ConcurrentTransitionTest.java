package dev.lockplane.migrate;

import static dev.lockplane.migrate.ExpandContractTest.count;
import static dev.lockplane.migrate.ExpandContractTest.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A rename of a column while an old and a new application version keep writing: during the backfill the
 * old version updates and inserts through {@code total}, the new one through {@code amount}; afterwards
 * every row agrees in both columns, and the recorded status reported progress while it ran.
 */
class ConcurrentTransitionTest {
  private static final Golden ORDERS = Golden.fromScripts(List.of(Script.of("orders.sql", """
      CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric(12,2) NOT NULL);
      INSERT INTO orders (customer, total) SELECT 'c' || g, g * 0.5 FROM generate_series(1, 60000) g;
      ANALYZE orders;
      """)));

  @Test
  void writesFromBothVersionsDuringTheBackfillEndInStep() throws Exception {
    String prefix = "ct" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    ExpandContractPlan plan = ExpandContract.plan("orders-total-to-amount",
        new Change.RenameColumn("orders", "id", "total", "amount", "numeric(12,2)", true));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicBoolean stop = new AtomicBoolean();
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(ORDERS).databasePrefix(prefix).start();
        Clone db = clones.create();
        Connection c = db.dataSource().getConnection();
        Connection monitor = db.dataSource().getConnection()) {
      List<String> statuses = new CopyOnWriteArrayList<>();
      ExpandContractRunner runner = ExpandContractRunner.builder().batchSize(1_000).listener(p -> {
        if (p.batches() % 20 == 0) {
          statuses.add(ExpandContractRunner.status(monitor, plan.id()).describe());
        }
        try {
          Thread.sleep(2); // leaves room for the writers, as a throttled production backfill would
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }).build();
      runner.expand(c, plan);
      AtomicLong oldWrites = new AtomicLong();
      AtomicLong newWrites = new AtomicLong();
      Future<?> oldApp = pool.submit(() -> write(db, stop, oldWrites, "total"));
      Future<?> newApp = pool.submit(() -> write(db, stop, newWrites, "amount"));

      BackfillProgress done = runner.migrate(c, plan);

      stop.set(true);
      oldApp.get(30, TimeUnit.SECONDS);
      newApp.get(30, TimeUnit.SECONDS);
      assertThat(oldWrites.get()).isPositive();
      assertThat(newWrites.get()).isPositive();
      assertThat(done.rowsScanned()).isGreaterThanOrEqualTo(60_000);
      assertThat(count(c, "SELECT count(*) FROM orders WHERE amount IS DISTINCT FROM total")).isZero();
      assertThat(count(c, "SELECT count(*) FROM orders WHERE amount IS NULL")).isZero();
      assertThat(statuses).isNotEmpty().allMatch(s -> s.matches(
          "rename of orders\\.total → amount: expand done, migrate \\d+ % \\(resumable\\), contract pending"));

      runner.contract(c, plan);
      assertThat(count(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders'"
          + " AND column_name = 'total'")).isZero();
      exec(c, "INSERT INTO orders (customer, amount) VALUES ('after', 1)");
    } finally {
      stop.set(true);
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  private static Void write(Clone db, AtomicBoolean stop, AtomicLong writes, String column) throws Exception {
    try (Connection w = db.dataSource().getConnection()) {
      while (!stop.get()) {
        long id = ThreadLocalRandom.current().nextLong(1, 60_001);
        exec(w, "UPDATE orders SET " + column + " = " + column + " + 1 WHERE id = " + id);
        exec(w, "INSERT INTO orders (customer, " + column + ") VALUES ('" + column + "', 2.5)");
        writes.incrementAndGet();
      }
    }
    return null;
  }
}
