package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.testing.SharedPostgres;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One migration per trace rule, traced on a clone of a small database: the unsafe form raises exactly
 * that rule, the safe form none. Both forms set lock_timeout first, except for the rule about it.
 */
class TraceRulesTest {
  private static final String TIMEOUT = "SET lock_timeout = '2s';\n";
  private static final Golden SHOP = Golden.fromScripts(List.of(Script.of("shop.sql", """
      CREATE TABLE customers (id int PRIMARY KEY, email text, name varchar(20));
      INSERT INTO customers SELECT g, 'c' || g || '@example.com', 'n' || g FROM generate_series(1, 200) g;
      CREATE TABLE orders (id int NOT NULL, customer_id int, amount int, note text);
      INSERT INTO orders SELECT g, 1 + g % 200, g % 100, 'n' FROM generate_series(1, 1000) g;
      CREATE INDEX orders_amount_idx ON orders (amount);
      CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;
      CREATE UNIQUE INDEX order_totals_customer ON order_totals (customer_id);
      CREATE TABLE audit (id int, at timestamptz);
      INSERT INTO audit SELECT g, now() FROM generate_series(1, 100) g;
      """)));
  private static CloneManager clones;

  @BeforeAll
  static void golden() {
    String prefix = "tr" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
    clones = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).start();
  }

  @AfterAll
  static void close() {
    if (clones != null) {
      clones.close();
    }
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(TraceRule.TABLE_REWRITE,
            "ALTER TABLE orders ADD COLUMN doubled int GENERATED ALWAYS AS (amount * 2) STORED;",
            "ALTER TABLE orders ADD COLUMN doubled int;"),
        Arguments.of(TraceRule.COLUMN_TYPE_REWRITE,
            "ALTER TABLE audit ALTER COLUMN id TYPE bigint;",
            "ALTER TABLE customers ALTER COLUMN name TYPE varchar(40);"),
        Arguments.of(TraceRule.ADD_COLUMN_VOLATILE_DEFAULT,
            "ALTER TABLE audit ADD COLUMN token float8 DEFAULT random();",
            "ALTER TABLE audit ADD COLUMN token float8;\nALTER TABLE audit ALTER COLUMN token SET DEFAULT random();"),
        Arguments.of(TraceRule.SET_NOT_NULL_UNDER_LOCK,
            "ALTER TABLE customers ALTER COLUMN email SET NOT NULL;",
            """
            ALTER TABLE customers ADD CONSTRAINT customers_email_nn CHECK (email IS NOT NULL) NOT VALID;
            ALTER TABLE customers VALIDATE CONSTRAINT customers_email_nn;
            ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
            ALTER TABLE customers DROP CONSTRAINT customers_email_nn;
            """),
        Arguments.of(TraceRule.ADD_FOREIGN_KEY_VALIDATED,
            "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
            """
            ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
            ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
            """),
        Arguments.of(TraceRule.ADD_CHECK_VALIDATED,
            "ALTER TABLE orders ADD CONSTRAINT orders_amount_nonneg CHECK (amount >= 0);",
            """
            ALTER TABLE orders ADD CONSTRAINT orders_amount_nonneg CHECK (amount >= 0) NOT VALID;
            ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_nonneg;
            """),
        Arguments.of(TraceRule.CREATE_INDEX_BLOCKING,
            "CREATE INDEX orders_customer_idx ON orders (customer_id);",
            "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"),
        Arguments.of(TraceRule.DROP_INDEX_BLOCKING,
            "DROP INDEX orders_amount_idx;",
            "DROP INDEX CONCURRENTLY orders_amount_idx;"),
        Arguments.of(TraceRule.REINDEX_BLOCKING,
            "REINDEX INDEX orders_amount_idx;",
            "REINDEX INDEX CONCURRENTLY orders_amount_idx;"),
        Arguments.of(TraceRule.UNIQUE_BUILT_UNDER_LOCK,
            "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);",
            """
            CREATE UNIQUE INDEX CONCURRENTLY orders_id_idx ON orders (id);
            ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx;
            """),
        Arguments.of(TraceRule.VACUUM_FULL_OR_CLUSTER, "VACUUM FULL orders;", "VACUUM orders;"),
        Arguments.of(TraceRule.VACUUM_FULL_OR_CLUSTER, "CLUSTER orders USING orders_amount_idx;", "ANALYZE orders;"),
        Arguments.of(TraceRule.TRUNCATE, "TRUNCATE audit;",
            "DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id LIMIT 50);"),
        Arguments.of(TraceRule.REFRESH_MATERIALIZED_VIEW_BLOCKING,
            "REFRESH MATERIALIZED VIEW order_totals;",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;"),
        Arguments.of(TraceRule.RENAME_TABLE,
            "ALTER TABLE audit RENAME TO audit_log;",
            "CREATE VIEW audit_log AS SELECT * FROM audit;"),
        Arguments.of(TraceRule.RENAME_COLUMN,
            "ALTER TABLE customers RENAME COLUMN name TO full_name;",
            "ALTER TABLE customers ADD COLUMN full_name varchar(20);"),
        Arguments.of(TraceRule.DROP_TABLE, "DROP TABLE audit;",
            "COMMENT ON TABLE audit IS 'retired: dropped in the next release';"),
        Arguments.of(TraceRule.DROP_COLUMN, "ALTER TABLE orders DROP COLUMN note;",
            "COMMENT ON COLUMN orders.note IS 'unused: dropped in the next release';"),
        Arguments.of(TraceRule.CONCURRENTLY_IN_TRANSACTION,
            "BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\nCOMMIT;",
            "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"),
        Arguments.of(TraceRule.SEVERAL_TABLES_LOCKED,
            "BEGIN;\nALTER TABLE orders ADD COLUMN a int;\nALTER TABLE customers ADD COLUMN b int;\nCOMMIT;",
            "ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE customers ADD COLUMN b int;"),
        Arguments.of(TraceRule.LOCK_HELD_ACROSS_SLOW_STATEMENT,
            "BEGIN;\nALTER TABLE orders ADD COLUMN c int;\nSELECT pg_sleep(0.3);\nCOMMIT;",
            "ALTER TABLE orders ADD COLUMN c int;\nSELECT pg_sleep(0.3);"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("rules")
  void unsafeFormRaisesExactlyItsRule(TraceRule rule, String unsafe, String safe) {
    TraceReport report = trace(TIMEOUT + unsafe);
    assertThat(ruleIds(report)).as(report.render(ReportFormat.TEXT)).containsExactly(rule.id());
    assertThat(report.succeeded()).as(report.render(ReportFormat.TEXT))
        .isEqualTo(rule != TraceRule.CONCURRENTLY_IN_TRANSACTION);
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("rules")
  void safeFormRaisesNone(TraceRule rule, String unsafe, String safe) {
    TraceReport report = trace(TIMEOUT + safe);
    assertThat(ruleIds(report)).as(report.render(ReportFormat.TEXT)).isEmpty();
    assertThat(report.succeeded()).as(report.render(ReportFormat.TEXT)).isTrue();
  }

  @org.junit.jupiter.api.Test
  void strongLockWithoutLockTimeoutRaisesItsRule() {
    TraceReport unsafe = trace("ALTER TABLE orders ADD COLUMN c int;");
    assertThat(ruleIds(unsafe)).as(unsafe.render(ReportFormat.TEXT)).containsExactly(TraceRule.LOCK_TIMEOUT_MISSING.id());
    TraceReport safe = trace(TIMEOUT + "ALTER TABLE orders ADD COLUMN c int;");
    assertThat(ruleIds(safe)).as(safe.render(ReportFormat.TEXT)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void aTableAndItsIndexAreOneTableForSeveralTablesLocked() {
    TraceReport report = trace(TIMEOUT + "BEGIN;\nALTER TABLE orders ADD COLUMN a int;\nREINDEX INDEX orders_amount_idx;\nCOMMIT;");
    assertThat(ruleIds(report)).as(report.render(ReportFormat.TEXT)).containsExactly(TraceRule.REINDEX_BLOCKING.id());
  }

  private static TraceReport trace(String sql) {
    return MigrationTrace.builder()
        .source(new MigrationSource.SqlScripts(List.of(Script.of("V1__change.sql", sql))))
        .on(clones)
        .slowStatement(Duration.ofMillis(200))
        .build()
        .run();
  }

  private static List<String> ruleIds(TraceReport report) {
    return report.findings().stream().map(dev.lockplane.safety.Finding::ruleId).toList();
  }
}
