package dev.lockplane.testkit;

import static dev.lockplane.testkit.Db.count;
import static dev.lockplane.testkit.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Fourteen tests run concurrently; each must find the golden untouched although every one of them
 * damages its own clone.
 */
@LockplaneTest(scripts = "db/shop.sql")
@Execution(ExecutionMode.CONCURRENT)
class ParallelIsolationTest {
  private static final AtomicInteger running = new AtomicInteger();
  private static final AtomicInteger maxRunning = new AtomicInteger();
  private static final Set<String> cloneNames = ConcurrentHashMap.newKeySet();
  /** The clones of the tests running now: a clone is reused (recycled) only after its test ended. */
  private static final Set<String> inUse = ConcurrentHashMap.newKeySet();
  private static final ThreadLocal<String> current = new ThreadLocal<>();

  private static void use(String name) {
    assertThat(inUse.add(name)).as("clone " + name + " is used by another running test").isTrue();
    cloneNames.add(name);
    current.set(name);
  }

  @TestDatabase DataSource db;
  @JdbcUrl String url;

  private void pristineThenDamage(DataSource ds, String damage) throws Exception {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      assertThat(count(ds, "SELECT count(*) FROM orders")).isEqualTo(200);
      assertThat(count(ds, "SELECT count(*) FROM customers")).isEqualTo(50);
      assertThat(count(ds, "SELECT count(*) FROM pg_tables WHERE tablename = 'graffiti'")).isZero();
      exec(ds, damage);
      exec(ds, "CREATE TABLE graffiti (x int)");
      Thread.sleep(150); // stay inside the test long enough for the others to overlap
    } finally {
      running.decrementAndGet();
      inUse.remove(current.get());
    }
  }

  @Test
  void deleteAllOrders(DataSource ds, Clone clone) throws Exception {
    use(clone.name());
    pristineThenDamage(ds, "DELETE FROM orders");
  }

  @Test
  void dropOrders(Clone clone) throws Exception {
    use(clone.name());
    pristineThenDamage(clone.dataSource(), "DROP TABLE orders; CREATE TABLE orders (id int); INSERT INTO orders SELECT generate_series(1, 200)");
  }

  @Test
  void fieldAndParameterAreTheSameClone(DataSource ds, @JdbcUrl String paramUrl, Clone clone) throws Exception {
    use(clone.name());
    assertThat(paramUrl).isEqualTo(url).isEqualTo(clone.jdbcUrl());
    exec(db, "CREATE TABLE seen_through_field (x int)");
    assertThat(count(ds, "SELECT count(*) FROM pg_tables WHERE tablename = 'seen_through_field'")).isEqualTo(1);
    pristineThenDamage(ds, "UPDATE customers SET name = 'x'");
  }

  @Test
  void connectionParameter(Connection c, Clone clone) throws Exception {
    use(clone.name());
    assertThat(count(c, "SELECT count(*) FROM orders")).isEqualTo(200);
    pristineThenDamage(clone.dataSource(), "TRUNCATE orders");
  }

  @Test
  void jdbiParameter(Jdbi jdbi, Clone clone) throws Exception {
    use(clone.name());
    int n = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM customers").mapTo(Integer.class).one());
    assertThat(n).isEqualTo(50);
    pristineThenDamage(clone.dataSource(), "DELETE FROM orders WHERE total > 10");
  }

  @Test
  void resetMidTest(Clone clone) throws Exception {
    use(clone.name());
    pristineThenDamage(clone.dataSource(), "DELETE FROM orders");
    clone.reset();
    assertThat(count(clone.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(200);
  }

  @Test
  void t07(Clone c) throws Exception {
    use(c.name());
    pristineThenDamage(c.dataSource(), "ALTER TABLE orders DROP COLUMN total");
  }

  @Test
  void t08(Clone c) throws Exception {
    use(c.name());
    pristineThenDamage(c.dataSource(), "ALTER TABLE customers RENAME TO clients; CREATE TABLE customers AS SELECT * FROM clients");
  }

  @Test
  void t09(Clone c) throws Exception {
    use(c.name());
    pristineThenDamage(c.dataSource(), "INSERT INTO customers VALUES (999, 'extra')");
  }

  @Test
  void t10(Clone c) throws Exception {
    use(c.name());
    pristineThenDamage(c.dataSource(), "UPDATE orders SET total = 0");
  }

  @Test
  void t11(Clone c) throws Exception {
    use(c.name());
    pristineThenDamage(c.dataSource(), "DELETE FROM orders WHERE id % 2 = 0");
  }

  @Test
  void t12(Clone c) throws Exception {
    use(c.name());
    pristineThenDamage(c.dataSource(), "CREATE INDEX ON orders (total)");
  }

  @Test
  void t13(Clone c) throws Exception {
    use(c.name());
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
      s.execute("CREATE SCHEMA extra");
    }
    pristineThenDamage(c.dataSource(), "ALTER TABLE orders ADD COLUMN note text DEFAULT 'n'");
  }

  @Test
  void t14(Clone c) throws SQLException, Exception {
    use(c.name());
    pristineThenDamage(c.dataSource(), "DROP TABLE orders");
  }

  @AfterAll
  static void everyTestHadItsOwnCloneAndTheyOverlapped() {
    assertThat(cloneNames).hasSizeGreaterThan(1);
    assertThat(maxRunning.get()).as("tests ran concurrently").isGreaterThan(1);
  }
}
