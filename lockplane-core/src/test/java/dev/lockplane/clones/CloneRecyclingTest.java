package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.clone.DatabaseFingerprint;
import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A recycled clone is indistinguishable from a fresh one, whatever its test changed: each test
 * makes one kind of change through a recycling manager with no spares (so that the next handout is
 * the recycled clone when it can be recycled), then compares the next handout's fingerprint with a
 * fresh clone's.
 */
class CloneRecyclingTest {
  private static final Golden SHOP = Golden.fromScripts(List.of(Script.of("shop.sql", """
      CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
      CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer int NOT NULL REFERENCES customers, amount numeric NOT NULL, doubled numeric GENERATED ALWAYS AS (amount * 2) STORED);
      CREATE TABLE audit (n int);
      CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN INSERT INTO audit VALUES (1); RETURN NEW; END$$;
      CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit_order();
      CREATE SEQUENCE tickets START 100;
      CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 10;
      CREATE TABLE untouched (k text PRIMARY KEY, v text);
      INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(1, 50) g;
      INSERT INTO orders (customer, amount) SELECT 1 + g % 50, g FROM generate_series(1, 200) g;
      INSERT INTO untouched SELECT 'k' || g, repeat('x', 100) FROM generate_series(1, 100) g;
      """)));

  private static LocalPostgres pg;
  private static String golden;
  private CloneManager pool;

  @BeforeAll
  static void start() throws Exception {
    pg = LocalPostgres.builder().setting("max_prepared_transactions", "4").start();
    try (CloneManager m = CloneManagers.databases(pg).golden(SHOP).databasePrefix("fp_").start()) {
      Clone fresh = m.create("fresh");
      golden = fingerprint(fresh);
    }
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void open() {
    String prefix = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    pool = CloneManagers.recycling(CloneManagers.databases(pg).golden(SHOP).databasePrefix(prefix).start(), 0);
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private static String fingerprint(Clone c) throws SQLException {
    try (Connection conn = c.dataSource().getConnection()) {
      return DatabaseFingerprint.of(conn);
    }
  }

  private static void run(Clone c, String... sql) throws SQLException {
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /**
   * Uses a clone once (so that the change under test starts from a recycled clone's baseline),
   * makes the change, hands the clone back, and checks the next handout.
   *
   * @return whether the next handout was the same clone, recycled
   */
  private boolean changeAndCheck(String... sql) throws SQLException {
    Clone first = pool.create();
    run(first, "INSERT INTO customers (name) VALUES ('warm-up')", "UPDATE orders SET amount = amount + 1 WHERE id < 5");
    first.destroy();
    Clone second = pool.create();
    assertThat(second.name()).as("a clone whose rows changed is recycled").isEqualTo(first.name());
    assertThat(fingerprint(second)).isEqualTo(golden);
    run(second, sql);
    second.destroy();
    Clone third = pool.create();
    assertThat(fingerprint(third)).as("the clone handed out after the change").isEqualTo(golden);
    boolean recycled = third.name().equals(second.name());
    third.destroy();
    return recycled;
  }

  @Test
  void insertsUpdatesAndDeletesAreRestored() throws SQLException {
    assertThat(changeAndCheck(
        "INSERT INTO orders (customer, amount) VALUES (3, 99)",
        "UPDATE customers SET name = 'renamed' WHERE id = 7",
        "DELETE FROM orders WHERE customer = 9",
        "DELETE FROM untouched WHERE k = 'k1'",
        // a value stored out of line, in the table's TOAST table
        "INSERT INTO untouched SELECT 'big', string_agg(md5(g::text), '') FROM generate_series(1, 5000) g")).isTrue();
  }

  @Test
  void aRolledBackTransactionAndATruncateAreRestored() throws SQLException {
    assertThat(changeAndCheck(
        "BEGIN", "DELETE FROM untouched", "ROLLBACK",
        "TRUNCATE orders, audit",
        "TRUNCATE customers CASCADE")).isTrue();
  }

  @Test
  void sequencesAreSetBack() throws SQLException {
    assertThat(changeAndCheck(
        "SELECT nextval('tickets')", "SELECT nextval('customers_id_seq')",
        "SELECT setval('orders_id_seq', 5000, false)")).isTrue();
  }

  @Test
  void aSessionSettingOrAdvisoryLockEndsWithItsSession() throws SQLException {
    assertThat(changeAndCheck("SET work_mem = '8MB'", "SELECT pg_advisory_lock(42)",
        "PREPARE p AS SELECT 1", "LISTEN somewhere")).isTrue();
  }

  @Test
  void createdTablesAreNotRecycled() throws SQLException {
    assertThat(changeAndCheck("CREATE TABLE extra (id int)", "INSERT INTO extra VALUES (1)")).isFalse();
  }

  @Test
  void alteredTablesAreNotRecycled() throws SQLException {
    assertThat(changeAndCheck("ALTER TABLE customers ADD COLUMN email text")).isFalse();
  }

  @Test
  void grantsAreNotRecycled() throws SQLException {
    assertThat(changeAndCheck("GRANT SELECT ON customers TO PUBLIC")).isFalse();
  }

  @Test
  void droppedObjectsAreNotRecycled() throws SQLException {
    assertThat(changeAndCheck("DROP VIEW big_orders", "DROP SEQUENCE tickets")).isFalse();
  }

  @Test
  void temporaryTablesAreNotRecycled() throws SQLException {
    assertThat(changeAndCheck("CREATE TEMP TABLE scratch AS SELECT * FROM customers")).isFalse();
  }

  @Test
  void databaseSettingsAreNotRecycled() throws SQLException {
    assertThat(changeAndCheck("DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET work_mem = ''9MB''',"
        + " current_database()); END$$")).isFalse();
  }

  @Test
  void largeObjectsAreNotRecycled() throws SQLException {
    assertThat(changeAndCheck("SELECT lo_from_bytea(0, '\\xdeadbeef'::bytea)")).isFalse();
  }

  @Test
  void preparedTransactionsAreRolledBackAndNotRecycled() throws SQLException {
    assertThat(changeAndCheck("BEGIN", "INSERT INTO customers (name) VALUES ('prepared')",
        "PREPARE TRANSACTION 'left-behind'")).isFalse();
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_prepared_xacts")) {
      rs.next();
      assertThat(rs.getLong(1)).as("prepared transactions left on the server").isZero();
    }
  }

  @Test
  void aSessionLeftOpenIsEndedAndTheCloneNotRecycled() throws SQLException {
    Clone a = pool.create();
    Connection open = a.dataSource().getConnection();
    try (Statement s = open.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO customers (name) VALUES ('uncommitted')");
    }
    a.destroy();
    Clone b = pool.create();
    assertThat(b.name()).isNotEqualTo(a.name());
    assertThat(fingerprint(b)).isEqualTo(golden);
    assertThat(open.isValid(2)).as("the session left open was ended").isFalse();
    open.close();
    b.destroy();
  }

  @Test
  void recycledClonesAreHiddenAndTheGoldenCopyToo() throws SQLException {
    Clone a = pool.create();
    run(a, "DELETE FROM orders WHERE id = 1");
    a.destroy();
    assertThat(pool.list()).isEmpty();
    Clone b = pool.create();
    assertThat(pool.list()).extracting(Clone::name).containsExactly(b.name());
    b.destroy();
  }
}
