package dev.lockplane.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.safety.SchemaFingerprint;
import dev.lockplane.plan.LockMode;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.ShadowValidation;
import dev.lockplane.safety.SqlStep;
import dev.lockplane.safety.ValidationReport;
import dev.lockplane.testing.SharedPostgres;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each of the five changes, on a clone with data: expand, check old and new application queries (writes
 * through either shape appear in the other), roll expand back to the original shape and expand again,
 * migrate, roll it back and again, contract, roll it back to the transition shape and contract again, and
 * compare the end schema with the direct change applied to a second clone.
 */
class ExpandContractTest {
  private static final Golden SHOP = Golden.fromScripts(List.of(Script.of("shop.sql", """
      CREATE TABLE orders (
        id bigserial PRIMARY KEY,
        customer text NOT NULL,
        total numeric(12,2) NOT NULL,
        note text,
        legacy_code text NOT NULL
      );
      INSERT INTO orders (customer, total, note, legacy_code)
        SELECT 'c' || g, g * 1.25, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END, 'L' || g
        FROM generate_series(1, 3000) g;
      ANALYZE orders;
      """)));

  private static CloneManager clones;
  private final ExpandContractRunner runner = ExpandContractRunner.builder().batchSize(700).build();

  @BeforeAll
  static void start() {
    String prefix = "ec" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    clones = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).start();
  }

  @AfterAll
  static void stop() {
    if (clones != null) {
      clones.close();
    }
  }

  @FunctionalInterface
  interface Check {
    void run(Connection c) throws SQLException;
  }

  @Test
  void renameColumn() throws Exception {
    renameColumn(clones);
  }

  private void renameColumn(CloneManager clones) throws Exception {
    exercise(clones, new Change.RenameColumn("orders", "id", "total", "amount", "numeric(12,2)", true),
        c -> {
          long old = insert(c, "INSERT INTO orders (customer, total, legacy_code) VALUES ('old', 10.50, 'x') RETURNING id");
          assertThat(decimal(c, "SELECT amount FROM orders WHERE id = " + old)).isEqualByComparingTo("10.50");
          long fresh = insert(c, "INSERT INTO orders (customer, amount, legacy_code) VALUES ('new', 7.25, 'x') RETURNING id");
          assertThat(decimal(c, "SELECT total FROM orders WHERE id = " + fresh)).isEqualByComparingTo("7.25");
          exec(c, "UPDATE orders SET total = 99 WHERE id = 1");
          assertThat(decimal(c, "SELECT amount FROM orders WHERE id = 1")).isEqualByComparingTo("99");
          exec(c, "UPDATE orders SET amount = 98 WHERE id = 2");
          assertThat(decimal(c, "SELECT total FROM orders WHERE id = 2")).isEqualByComparingTo("98");
        },
        c -> assertThat(count(c, "SELECT count(*) FROM orders WHERE amount IS DISTINCT FROM total")).isZero(),
        "ALTER TABLE orders RENAME COLUMN total TO amount",
        c -> assertThat(decimal(c, "SELECT amount FROM orders WHERE id = 4")).isEqualByComparingTo("5.00"));
  }

  @Test
  void renameTable() throws Exception {
    renameTable(clones);
  }

  private void renameTable(CloneManager clones) throws Exception {
    exercise(clones, new Change.RenameTable("orders", "purchases"),
        c -> {
          long old = insert(c, "INSERT INTO orders (customer, total, legacy_code) VALUES ('old', 1, 'x') RETURNING id");
          assertThat(count(c, "SELECT count(*) FROM purchases WHERE id = " + old + " AND customer = 'old'")).isOne();
          long fresh = insert(c, "INSERT INTO purchases (customer, total, legacy_code) VALUES ('new', 2, 'x') RETURNING id");
          assertThat(count(c, "SELECT count(*) FROM orders WHERE id = " + fresh)).isOne();
          exec(c, "UPDATE orders SET customer = 'changed' WHERE id = 1");
          assertThat(count(c, "SELECT count(*) FROM purchases WHERE id = 1 AND customer = 'changed'")).isOne();
          exec(c, "DELETE FROM orders WHERE id = " + old);
          assertThat(count(c, "SELECT count(*) FROM purchases WHERE id = " + old)).isZero();
        },
        c -> assertThat(count(c, "SELECT count(*) FROM purchases")).isEqualTo(count(c, "SELECT count(*) FROM orders")),
        "ALTER TABLE orders RENAME TO purchases",
        c -> assertThat(count(c, "SELECT count(*) FROM pg_views WHERE viewname = 'orders'")).isZero());
  }

  @Test
  void changeColumnType() throws Exception {
    changeColumnType(clones);
  }

  private void changeColumnType(CloneManager clones) throws Exception {
    exercise(clones, new Change.ChangeColumnType("orders", "id", "total", "numeric(12,2)", "bigint",
            "round({} * 100)::bigint", "({}::numeric / 100)", "total_cents", true),
        c -> {
          long old = insert(c, "INSERT INTO orders (customer, total, legacy_code) VALUES ('old', 3.57, 'x') RETURNING id");
          assertThat(count(c, "SELECT total_cents FROM orders WHERE id = " + old)).isEqualTo(357);
          long fresh = insert(c, "INSERT INTO orders (customer, total_cents, legacy_code) VALUES ('new', 1234, 'x') RETURNING id");
          assertThat(decimal(c, "SELECT total FROM orders WHERE id = " + fresh)).isEqualByComparingTo("12.34");
          exec(c, "UPDATE orders SET total_cents = 4321 WHERE id = 3");
          assertThat(decimal(c, "SELECT total FROM orders WHERE id = 3")).isEqualByComparingTo("43.21");
        },
        c -> assertThat(count(c, "SELECT count(*) FROM orders WHERE total_cents IS DISTINCT FROM round(total * 100)"))
            .isZero(),
        "ALTER TABLE orders ALTER COLUMN total TYPE bigint USING round(total * 100)::bigint",
        c -> assertThat(count(c, "SELECT total FROM orders WHERE id = 4")).isEqualTo(500));
  }

  @Test
  void setNotNull() throws Exception {
    setNotNull(clones);
  }

  private void setNotNull(CloneManager clones) throws Exception {
    exercise(clones, new Change.SetNotNull("orders", "id", "note", "'none'"),
        c -> {
          long old = insert(c, "INSERT INTO orders (customer, total, note, legacy_code) VALUES ('old', 1, NULL, 'x') RETURNING id");
          assertThat(text(c, "SELECT note FROM orders WHERE id = " + old)).isEqualTo("none");
          exec(c, "UPDATE orders SET note = NULL WHERE id = 1");
          assertThat(text(c, "SELECT note FROM orders WHERE id = 1")).isEqualTo("none");
          long fresh = insert(c, "INSERT INTO orders (customer, total, note, legacy_code) VALUES ('new', 1, 'n', 'x') RETURNING id");
          assertThat(text(c, "SELECT note FROM orders WHERE id = " + fresh)).isEqualTo("n");
        },
        c -> assertThat(count(c, "SELECT count(*) FROM orders WHERE note IS NULL")).isZero(),
        "UPDATE orders SET note = 'none' WHERE note IS NULL; ALTER TABLE orders ALTER COLUMN note SET NOT NULL",
        c -> assertThatThrownBy(() -> exec(c, "INSERT INTO orders (customer, total, legacy_code) VALUES ('x', 1, 'x')"))
            .hasMessageContaining("null value"));
  }

  @Test
  void dropColumn() throws Exception {
    dropColumn(clones);
  }

  private void dropColumn(CloneManager clones) throws Exception {
    try (Clone before = clones.create(); Connection c = before.dataSource().getConnection()) {
      // What the expand phase is for: the new version no longer writes legacy_code.
      assertThatThrownBy(() -> exec(c, "INSERT INTO orders (customer, total) VALUES ('new', 1)"))
          .hasMessageContaining("legacy_code");
    }
    exercise(clones, new Change.DropColumn("orders", "legacy_code", "text", true),
        c -> {
          long old = insert(c, "INSERT INTO orders (customer, total, legacy_code) VALUES ('old', 1, 'y') RETURNING id");
          assertThat(text(c, "SELECT legacy_code FROM orders WHERE id = " + old)).isEqualTo("y");
          long fresh = insert(c, "INSERT INTO orders (customer, total) VALUES ('new', 1) RETURNING id");
          assertThat(count(c, "SELECT count(*) FROM orders WHERE id = " + fresh)).isOne();
          // The expand rollback restores NOT NULL, which needs the new version's rows gone.
          exec(c, "DELETE FROM orders WHERE id = " + fresh);
        },
        // Nothing to backfill; after the contract rollback the column is back but empty (lossy, documented).
        c -> assertThat(count(c, "SELECT count(*) FROM orders")).isGreaterThanOrEqualTo(3000),
        "ALTER TABLE orders DROP COLUMN legacy_code",
        c -> assertThat(count(c, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'legacy_code'"))
            .isZero());
  }

  private void exercise(CloneManager clones, Change change, Check transition, Check migrated, String direct, Check after) throws Exception {
    ExpandContractPlan plan = ExpandContract.plan("test-" + change.getClass().getSimpleName(), change);
    String end;
    try (Clone target = clones.create(); Connection c = target.dataSource().getConnection()) {
      String original = shape(c);
      runner.expand(c, plan);
      String expanded = shape(c);
      assertThat(expanded).isNotEqualTo(original);
      runner.rollback(c, plan, Phase.EXPAND);
      assertThat(shape(c)).as("shape after the expand rollback").isEqualTo(original);
      runner.expand(c, plan);
      assertThat(shape(c)).isEqualTo(expanded);
      assertThat(runner.status(c, plan).describe()).isEqualTo(plan.summary()
          + ": expand done, migrate pending, contract pending");

      transition.run(c);

      assertThatThrownBy(() -> runner.contract(c, plan)).isInstanceOf(MigrationException.class)
          .hasMessageContaining("run migrate first");
      runner.migrate(c, plan);
      migrated.run(c);
      assertThat(shape(c)).isEqualTo(expanded);
      runner.rollback(c, plan, Phase.MIGRATE);
      assertThat(shape(c)).as("shape after the migrate rollback").isEqualTo(expanded);
      runner.migrate(c, plan);
      migrated.run(c);
      transition.run(c);

      runner.contract(c, plan);
      end = shape(c);
      assertThat(runner.status(c, plan).describe()).isEqualTo(plan.summary()
          + ": expand done, migrate done, contract done");
      assertThatThrownBy(() -> runner.rollback(c, plan, Phase.MIGRATE)).isInstanceOf(MigrationException.class)
          .hasMessageContaining("roll back contract first");
      runner.rollback(c, plan, Phase.CONTRACT);
      assertThat(shape(c)).as("shape after the contract rollback").isEqualTo(expanded);
      migrated.run(c);
      runner.contract(c, plan);
      assertThat(shape(c)).isEqualTo(end);
      after.run(c);
    }
    try (Clone directly = clones.create(); Connection c = directly.dataSource().getConnection()) {
      for (String sql : direct.split("; ")) {
        exec(c, sql);
      }
      assertThat(end).as("end schema of the expand/contract plan vs the direct change").isEqualTo(shape(c));
    }
  }

  /** Shadow validation side by side: the expand phase of a type change rewrites nothing, the direct change does. */
  @Test
  void expandPhaseRewritesNothingWhereTheDirectChangeRewrites() {
    ExpandContractPlan plan = ExpandContract.plan("shadow", new Change.ChangeColumnType("orders", "id", "total",
        "numeric(12,2)", "bigint", "round({} * 100)::bigint", "({}::numeric / 100)", "total_cents", true));
    ValidationReport expand = ShadowValidation.on(clones).steps(plan.expand().steps())
        .rollback(plan.expand().rollback()).build().run();
    assertThat(expand.passed()).as(expand.render(ReportFormat.TEXT)).isTrue();
    assertThat(expand.steps()).allMatch(r -> r.rewritten().isEmpty());
    ValidationReport direct = ShadowValidation.on(clones).steps(List.of(
        SqlStep.of("ALTER TABLE orders ALTER COLUMN total TYPE bigint USING round(total * 100)::bigint"))).build().run();
    assertThat(direct.steps()).singleElement().satisfies(r -> {
      assertThat(r.rewritten()).contains("orders");
      assertThat(r.lockOn("orders")).hasValue(LockMode.ACCESS_EXCLUSIVE);
    });
  }

  @Test
  void quotedAndSchemaQualifiedNames() throws Exception {
    try (Clone db = clones.create(); Connection c = db.dataSource().getConnection()) {
      exec(c, "CREATE SCHEMA sales");
      exec(c, "CREATE TABLE sales.\"Order\" (\"Id\" int PRIMARY KEY, \"user\" text NOT NULL, \"Price\" numeric(8,2) NOT NULL)");
      exec(c, "INSERT INTO sales.\"Order\" SELECT g, 'u' || g, g FROM generate_series(1, 500) g");
      List<Change> changes = List.of(
          new Change.RenameColumn("sales.Order", "Id", "user", "Owner", "text", true),
          new Change.ChangeColumnType("sales.Order", "Id", "Price", "numeric(8,2)", "bigint",
              "round({} * 100)::bigint", "({}::numeric / 100)", "Price cents", true),
          new Change.RenameTable("sales.Order", "Purchase"));
      int n = 0;
      for (Change change : changes) {
        ExpandContractPlan plan = ExpandContract.plan("quoted-" + n++, change);
        runner.expand(c, plan);
        runner.migrate(c, plan);
        runner.contract(c, plan);
        runner.rollback(c, plan, Phase.CONTRACT);
        runner.contract(c, plan);
      }
      assertThat(text(c, "SELECT \"Owner\" || ' ' || \"Price\" FROM sales.\"Purchase\" WHERE \"Id\" = 7"))
          .isEqualTo("u7 700");
      assertThat(count(c, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'lockplane'::regnamespace")).isZero();
    }
  }

  /**
   * The changes whose contract carries a NOT NULL constraint's name over (named only from PostgreSQL 18)
   * and all sync triggers, on PostgreSQL 15.
   */
  @Test
  void onPostgres15() throws Exception {
    Path extra = Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries"));
    try (LocalPostgres older = LocalPostgres.builder().version(15).binariesFrom(extra).start();
        CloneManager onOlder = CloneManagers.databases(older).golden(SHOP).databasePrefix("ec15_").start()) {
      renameColumn(onOlder);
      changeColumnType(onOlder);
      setNotNull(onOlder);
    }
  }

  /** The user schema (columns, types, nullability, defaults, constraints, indexes) plus triggers and sync functions. */
  static String shape(Connection c) throws SQLException {
    List<String> lines = new ArrayList<>(Arrays.stream(SchemaFingerprint.describe(c).split("\n"))
        .filter(l -> !l.contains(" lockplane.") && !l.startsWith("index lockplane "))
        .collect(Collectors.toList()));
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT 'trigger ' || tgname || ' on ' || tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal"
            + " UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname = 'lockplane' ORDER BY 1")) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return String.join("\n", lines);
  }

  static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long insert(Connection c, String sql) throws SQLException {
    return count(c, sql);
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static BigDecimal decimal(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getBigDecimal(1);
    }
  }

  static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
