package dev.lockplane.safety;

import static dev.lockplane.safety.LockExperimentsTest.exec;
import static dev.lockplane.safety.LockExperimentsTest.prepare;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The catalogue's messages and safer alternatives make claims beyond lock modes; these are checked
 * on the same servers as the lock experiments.
 */
class CatalogueClaimsTest {
  @AfterAll
  static void cleanUp() throws SQLException {
    LockExperimentsTest.dropDatabases(); // also stops the PostgreSQL 15 server
  }

  private static Connection connect(int version) throws SQLException {
    return ExperimentServers.get(version).connect(LockExperimentsTest.database(version));
  }

  /** ADD VALUE runs in a transaction, but the new value cannot be used before the commit. */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {18, 15})
  void aNewEnumValueIsUnusableInItsTransaction(int version) throws SQLException {
    try (Connection c = connect(version)) {
      prepare(c, "c_enum", 10, List.of("CREATE TYPE order_status AS ENUM ('new', 'paid')"));
      c.setAutoCommit(false);
      exec(c, LockCatalogue.forVersion(version).entry(DdlKind.ADD_ENUM_VALUE).example());
      assertThatThrownBy(() -> exec(c, "SELECT 'shipped'::order_status"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P04"));
      c.rollback();
    }
  }

  /** DROP TABLE fails while a view depends on the table. */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {18, 15})
  void dropTableFailsUnderADependentView(int version) throws SQLException {
    try (Connection c = connect(version)) {
      prepare(c, "c_view", 10, List.of("CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 5"));
      assertThatThrownBy(() -> exec(c, LockCatalogue.forVersion(version).entry(DdlKind.DROP_TABLE).example()))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("2BP01"));
    }
  }

  /** A validated CHECK matching the bound lets ATTACH PARTITION skip its scan. */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {18, 15})
  void attachSkipsTheScanWhenACheckProvesTheBound(int version) throws SQLException {
    String example = LockCatalogue.forVersion(version).entry(DdlKind.ATTACH_PARTITION).example();
    try (Connection c = connect(version)) {
      List<String> tables = List.of(
          "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at)",
          "CREATE TABLE events_2024 (id bigint, at date)",
          "INSERT INTO events_2024 SELECT g, date '2024-01-01' + g % 365 FROM generate_series(1, 2000) g");
      prepare(c, "c_attach_plain", 10, tables);
      assertThat(scansOf(version, "c_attach_plain", example)).isPositive();
      List<String> proven = new java.util.ArrayList<>(tables);
      proven.add("ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound CHECK (at IS NOT NULL"
          + " AND at >= '2024-01-01' AND at < '2025-01-01')");
      prepare(c, "c_attach_proven", 10, proven);
      assertThat(scansOf(version, "c_attach_proven", example)).isZero();
    }
  }

  /**
   * Counts the sequential scans of events_2024 by a statement, on a fresh connection: a backend's
   * pending statistics can still hold scans of its earlier transactions (such as the setup's).
   */
  private static long scansOf(int version, String schema, String sql) throws SQLException {
    try (Connection c = connect(version)) {
      exec(c, "SET search_path = " + schema);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(sql);
        try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_xact_user_tables"
            + " WHERE relname = 'events_2024' AND schemaname = current_schema()")) {
          rs.next();
          return rs.getLong(1);
        }
      } finally {
        c.rollback();
      }
    }
  }
}
