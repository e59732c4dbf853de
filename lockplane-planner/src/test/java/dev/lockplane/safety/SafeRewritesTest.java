package dev.lockplane.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.safety.SchemaFingerprint;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safe rewrites end in the same schema as the naive statements (compared by schema fingerprint
 * on two clones), concurrent index builds clean up after failures, and guarded steps retry on lock
 * timeouts.
 */
class SafeRewritesTest {
  private static final Golden SHOP = Golden.fromScripts(List.of(Script.of("shop.sql", """
      CREATE TABLE customers (id bigint NOT NULL, name text);
      CREATE TABLE orders (id bigint NOT NULL, customer_id bigint, amount int, code int);
      INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g;
      ALTER TABLE customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id);
      INSERT INTO orders SELECT g, 1 + g % 100, g, g % 500 FROM generate_series(1, 5000) g;
      """)));
  private static CloneManager clones;

  @BeforeAll
  static void golden() {
    String prefix = "sr" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
    clones = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).start();
  }

  @AfterAll
  static void close() {
    if (clones != null) {
      clones.close();
    }
  }

  private static final GuardedExecutor GUARDED = GuardedExecutor.builder()
      .lockTimeout(Duration.ofSeconds(2)).statementTimeout(Duration.ofMinutes(1)).build();

  /** Applies the naive statement to one clone and the rewrite to another; the schemas must be equal. */
  private static void assertSameEndSchema(String naive, List<SqlStep> safe) throws SQLException {
    try (Clone a = clones.create(); Clone b = clones.create();
         Connection ca = a.dataSource().getConnection(); Connection cb = b.dataSource().getConnection()) {
      exec(ca, naive);
      GUARDED.run(cb, safe);
      assertThat(SchemaFingerprint.describe(cb)).isEqualTo(SchemaFingerprint.describe(ca));
      assertThat(SchemaFingerprint.of(cb)).isEqualTo(SchemaFingerprint.of(ca));
    }
  }

  @Test
  void checkThroughNotValidThenValidate() throws SQLException {
    List<SqlStep> steps = SafeRewrites.addCheck("orders", "orders_amount_positive", "amount > 0");
    assertThat(steps).extracting(SqlStep::sql).containsExactly(
        "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID",
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive");
    assertSameEndSchema("ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0)", steps);
  }

  @Test
  void foreignKeyThroughNotValidThenValidate() throws SQLException {
    assertSameEndSchema(
        "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)",
        SafeRewrites.addForeignKey("orders", "orders_customer_fk", List.of("customer_id"), "customers", List.of("id")));
  }

  @Test
  void setNotNullThroughAValidatedCheck() throws SQLException {
    List<SqlStep> steps = SafeRewrites.setNotNull("orders", "amount");
    assertThat(steps).hasSize(4);
    assertSameEndSchema("ALTER TABLE orders ALTER COLUMN amount SET NOT NULL", steps);
  }

  @Test
  void uniqueAndPrimaryKeyThroughAConcurrentIndex() throws SQLException {
    List<SqlStep> unique = SafeRewrites.addUnique("orders", "orders_id_key", List.of("id"));
    assertThat(unique.get(0).transactional()).isFalse();
    assertThat(unique.get(1).sql()).isEqualTo("ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE USING INDEX orders_id_key");
    assertSameEndSchema("ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id)", unique);
    assertSameEndSchema("ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id)",
        SafeRewrites.addPrimaryKey("orders", "orders_pkey", List.of("id")));
  }

  @Test
  void namesAreQuotedWhenNeeded() {
    assertThat(SafeRewrites.addCheck("sales.Order", "order", "true").get(1).sql())
        .isEqualTo("ALTER TABLE sales.\"Order\" VALIDATE CONSTRAINT \"order\"");
    assertThat(SafeRewrites.createIndexConcurrently("orders_lower_idx", "orders", List.of("lower(note)"), false).sql())
        .isEqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_lower_idx ON orders ((lower(note)))");
  }

  @Test
  void aFailedConcurrentBuildLeavesNoInvalidIndex() throws SQLException {
    try (Clone c = clones.create(); Connection conn = c.dataSource().getConnection()) {
      SqlStep build = SafeRewrites.createIndexConcurrently("orders_code_key", "orders", List.of("code"), true);
      // code repeats every 500 rows: the unique build fails after the index entry was committed.
      assertThatThrownBy(() -> ConcurrentIndexes.create(conn, GUARDED, "orders_code_key", "orders", build))
          .isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.sqlState()).isEqualTo("23505");
            assertThat(e.getMessage()).contains("the INVALID index orders_code_key it left was dropped");
          });
      assertThat(ConcurrentIndexes.invalidIndexes(conn, "orders")).isEmpty();
      assertThat(count(conn, "SELECT count(*) FROM pg_class WHERE relname = 'orders_code_key'")).isZero();
    }
  }

  @Test
  void anInvalidLeftoverFromAnEarlierFailureIsReplaced() throws SQLException {
    try (Clone c = clones.create(); Connection conn = c.dataSource().getConnection()) {
      assertThatThrownBy(() -> exec(conn, "CREATE UNIQUE INDEX CONCURRENTLY orders_code_key ON orders (code)"))
          .isInstanceOf(SQLException.class);
      assertThat(ConcurrentIndexes.invalidIndexes(conn, "orders")).containsExactly("orders_code_key");
      exec(conn, "DELETE FROM orders WHERE id > 500");
      SqlStep build = SafeRewrites.createIndexConcurrently("orders_code_key", "orders", List.of("code"), true);
      ConcurrentIndexes.create(conn, GUARDED, "orders_code_key", "orders", build);
      assertThat(ConcurrentIndexes.invalidIndexes(conn, "orders")).isEmpty();
      assertThat(count(conn, "SELECT count(*) FROM pg_index WHERE indexrelid = 'orders_code_key'::regclass"
          + " AND indisvalid AND indisunique")).isEqualTo(1);
    }
  }

  @Test
  void aStepRetriesOnLockTimeoutAndSucceedsWhenTheLockIsReleased() throws SQLException {
    try (Clone c = clones.create(); Connection conn = c.dataSource().getConnection();
         Connection holder = c.dataSource().getConnection()) {
      holder.setAutoCommit(false);
      exec(holder, "LOCK TABLE orders IN ACCESS SHARE MODE");
      List<Integer> timedOut = new ArrayList<>();
      GuardedExecutor guarded = GuardedExecutor.builder()
          .lockTimeout(Duration.ofMillis(100)).maxAttempts(5).retryDelay(Duration.ofMillis(50))
          .listener((step, attempt, error) -> {
            timedOut.add(attempt);
            if (attempt == 2) {
              commit(holder); // the long reader finishes
            }
          })
          .build();
      StepOutcome outcome = guarded.run(conn, SqlStep.of("ALTER TABLE orders ADD COLUMN extra int"));
      assertThat(outcome.attempts()).isEqualTo(3);
      assertThat(timedOut).containsExactly(1, 2);
      assertThat(count(conn, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'extra'")).isEqualTo(1);
      assertThat(text(conn, "SHOW lock_timeout")).isEqualTo("0");
    }
  }

  @Test
  void aNonTransactionalStepRetriesTooAndGivesUpAfterTheLastAttempt() throws SQLException {
    try (Clone c = clones.create(); Connection conn = c.dataSource().getConnection();
         Connection holder = c.dataSource().getConnection()) {
      holder.setAutoCommit(false);
      exec(holder, "LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE");
      GuardedExecutor guarded = GuardedExecutor.builder()
          .lockTimeout(Duration.ofMillis(100)).maxAttempts(2).retryDelay(Duration.ofMillis(10)).build();
      SqlStep build = SafeRewrites.createIndexConcurrently("orders_amount_idx", "orders", List.of("amount"), false);
      assertThatThrownBy(() -> guarded.run(conn, build))
          .isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.IN_USE);
            assertThat(e.attempts()).isEqualTo(2);
            assertThat(e.sqlState()).isEqualTo(GuardedExecutor.LOCK_NOT_AVAILABLE);
          });
      assertThat(text(conn, "SHOW lock_timeout")).isEqualTo("0");
      holder.commit();
      assertThat(guarded.run(conn, build).attempts()).isEqualTo(1);
      assertThat(ConcurrentIndexes.invalidIndexes(conn, "orders")).isEmpty();
    }
  }

  @Test
  void builderRejectsDuplicates() {
    assertThatThrownBy(() -> GuardedExecutor.builder().maxAttempts(2).maxAttempts(3))
        .hasMessageContaining("maxAttempts was already set to 2");
    assertThatThrownBy(() -> GuardedExecutor.builder().lockTimeout(Duration.ZERO)).hasMessageContaining("positive");
  }

  private static void commit(Connection c) {
    try {
      c.commit();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
