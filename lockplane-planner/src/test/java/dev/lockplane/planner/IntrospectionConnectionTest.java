package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Table;
import dev.lockplane.testing.ScratchDatabase;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Introspection borrows the caller's connection and leaves it as it found it (autocommit, its
 * transaction), sees what the caller's transaction sees, and runs on several threads at once (the
 * handles share one statement parser).
 */
class IntrospectionConnectionTest {
  static final LocalPostgres pg = SharedPostgres.get();
  static final Planner planner = Lockplane.planner().scratchServer(pg).build();
  static ScratchDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = new ScratchDatabase("introspection_", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);"
        + "CREATE TABLE orders (id bigint PRIMARY KEY, account bigint REFERENCES accounts, total numeric(10, 2));"
        + "CREATE INDEX orders_account ON orders (account)");
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void anAutocommitConnectionStaysInAutocommit() throws Exception {
    try (Connection c = db.connect()) {
      DatabaseSchema schema = planner.introspect(c);
      assertThat(schema.tables()).extracting(Table::name).containsExactly("accounts", "orders");
      assertThat(c.getAutoCommit()).isTrue();
      assertThat(inTransaction(c)).as("no transaction left open").isFalse();
    }
  }

  @Test
  void insideTheCallersTransactionItSeesItsChangesAndLeavesItOpen() throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("CREATE TABLE pending (id int)");
      DatabaseSchema schema = planner.introspect(c);
      assertThat(schema.tables()).extracting(Table::name).containsExactly("accounts", "orders", "pending");
      assertThat(c.getAutoCommit()).isFalse();
      assertThat(inTransaction(c)).isTrue();
      c.rollback();
      assertThat(planner.introspect(c).tables()).extracting(Table::name).containsExactly("accounts", "orders");
      c.rollback();
    }
  }

  @Test
  void threadsIntrospectingAtOnceReadTheSameSchema() throws Exception {
    DatabaseSchema expected;
    try (Connection c = db.connect()) {
      expected = planner.introspect(c);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<DatabaseSchema>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          List<DatabaseSchema> read = new ArrayList<>();
          try (Connection c = db.connect()) {
            for (int i = 0; i < 5; i++) {
              read.add(planner.introspect(c));
            }
          }
          return read;
        }));
      }
      for (Future<List<DatabaseSchema>> f : results) {
        assertThat(f.get()).hasSize(5).allSatisfy(s -> assertThat(s).isEqualTo(expected));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Whether the session is inside a transaction block: then now(), its start, stays the same. */
  private static boolean inTransaction(Connection c) throws Exception {
    String first = now(c);
    Thread.sleep(5);
    return first.equals(now(c));
  }

  private static String now(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT now()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
