package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.internal.clone.DatabaseFingerprint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Tests run one after another on a pool of one, so that used clones come back recycled; each test
 * first checks that its clone's fingerprint is the first test's (a fresh clone's), then changes it
 * in its own way.
 */
@LockplaneTest(scripts = {"db/shop.sql", "db/tickets.sql"}, pool = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecycledClonesTest {
  private static volatile String golden;
  private static final List<String> names = new CopyOnWriteArrayList<>();

  private static void pristine(Clone clone) throws SQLException {
    names.add(clone.name());
    String now;
    try (Connection c = clone.dataSource().getConnection()) {
      now = DatabaseFingerprint.of(c);
    }
    if (golden == null) {
      golden = now;
    }
    assertThat(now).as("clone " + clone.name() + " is indistinguishable from a fresh one").isEqualTo(golden);
  }

  private static void run(DataSource ds, String... sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @Test
  @Order(1)
  void insertUpdateDelete(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "INSERT INTO customers VALUES (51, 'new')", "UPDATE orders SET total = 0 WHERE id < 10",
        "DELETE FROM orders WHERE id > 190");
  }

  @Test
  @Order(2)
  void truncate(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "TRUNCATE orders");
  }

  @Test
  @Order(3)
  void sequenceAndUpdateInARolledBackTransaction(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "SELECT nextval('tickets')", "BEGIN", "UPDATE customers SET name = upper(name)", "ROLLBACK",
        "UPDATE customers SET name = lower(name) WHERE id = 3");
  }

  @Test
  @Order(4)
  void ddl(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "CREATE TABLE extra (id int)", "ALTER TABLE orders ADD COLUMN note text", "DROP TABLE extra");
  }

  @Test
  @Order(5)
  void databaseSetting(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET statement_timeout = 1234', current_database()); END$$");
  }

  @Test
  @Order(6)
  void largeObject(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "SELECT lo_from_bytea(0, 'abc'::bytea)");
  }

  @Test
  @Order(7)
  void sessionLeftOpenWithAnAdvisoryLock(Clone clone) throws SQLException {
    pristine(clone);
    Connection open = clone.dataSource().getConnection(); // never closed by the test
    try (Statement s = open.createStatement()) {
      s.execute("SELECT pg_advisory_lock(7)");
      s.execute("INSERT INTO customers VALUES (52, 'left open')");
    }
  }

  @Test
  @Order(8)
  void temporaryTable(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "CREATE TEMP TABLE t AS SELECT * FROM orders");
  }

  @Test
  @Order(9)
  void deleteAgain(Clone clone) throws SQLException {
    pristine(clone);
    run(clone.dataSource(), "DELETE FROM orders", "DELETE FROM customers");
  }

  @Test
  @Order(10)
  void last(Clone clone) throws SQLException {
    pristine(clone);
  }

  @AfterAll
  static void clonesWereReused() {
    assertThat(names).hasSize(10);
    assertThat(names.stream().distinct().count()).as("distinct clones among " + names).isLessThan(10);
  }
}
