package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.testing.SharedPostgres;
import dev.lockplane.trace.flyway.LockplaneFlywayCallback;
import dev.lockplane.trace.liquibase.LockplaneLiquibaseListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flyway callback and the Liquibase listener on a real database migrated from empty, as a test
 * or CI pipeline does: an unsafe migration fails the run before it commits with the rule, the
 * location and the safer form; the safe form passes and leaves a report; ignored rules do not fail.
 */
class MigrationHooksTest {
  private static final String ORDERS = """
      CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount int);
      INSERT INTO orders SELECT g, g % 50, g % 100 FROM generate_series(1, 500) g;
      """;
  private final LocalPostgres pg = SharedPostgres.get();
  private String database;
  private DataSource dataSource;

  @BeforeEach
  void createDatabase() {
    database = "hooks" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    execute("postgres", "CREATE DATABASE " + database);
    dataSource = pg.dataSource(database);
  }

  @AfterEach
  void dropDatabase() {
    execute("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  private void execute(String db, String sql) {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }

  private String query(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private Flyway flyway(Path dir, LockplaneFlywayCallback callback) {
    FluentConfiguration configuration = Flyway.configure().dataSource(dataSource).locations("filesystem:" + dir)
        .callbacks(callback).loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator");
    // Flyway's default transactional lock keeps a transaction open that CREATE INDEX CONCURRENTLY waits for
    configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    return configuration.load();
  }

  private static LockplaneException lockplaneCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof LockplaneException l) {
        return l;
      }
    }
    throw new AssertionError("no LockplaneException in the chain of " + t, t);
  }

  @Test
  void flywayUnsafeMigrationFailsBeforeItCommits(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("V1__orders.sql"), ORDERS);
    Files.writeString(dir.resolve("V2__widen.sql"), "SET lock_timeout = '1s';\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n");
    Path report = dir.resolve("reports/trace.md");
    LockplaneFlywayCallback callback = LockplaneFlywayCallback.of(TracePolicy.builder().failAt(RiskClass.DANGEROUS)
        .reportTo(report, ReportFormat.MARKDOWN).build());

    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> flyway(dir, callback).migrate());

    LockplaneException cause = lockplaneCause(thrown);
    assertThat(cause.code()).isEqualTo(ErrorCode.UNSAFE_CHANGE);
    assertThat(cause.getMessage()).contains("V2__widen.sql", dir.resolve("V2__widen.sql") + ":2", "column-type-rewrite",
        "[DANGEROUS]", "ALTER TABLE orders ALTER COLUMN amount TYPE bigint", "safer: add a column of the new type",
        "lockplane:ignore");
    // rolled back: the column keeps its type and Flyway's history has only the first migration
    assertThat(query("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'amount'"))
        .isEqualTo("integer");
    assertThat(query("SELECT string_agg(version || ':' || success, ',' ORDER BY installed_rank) FROM flyway_schema_history"))
        .isEqualTo("1:true");
    TraceReport traced = callback.report().orElseThrow();
    assertThat(traced.source()).isEqualTo("Flyway filesystem:" + dir);
    assertThat(traced.cloneName()).isEqualTo(database);
    assertThat(traced.statements()).extracting(TracedStatement::location).containsExactly(
        dir.resolve("V1__orders.sql") + ":1", dir.resolve("V1__orders.sql") + ":2",
        dir.resolve("V2__widen.sql") + ":1", dir.resolve("V2__widen.sql") + ":2");
    // V1 creates the table, so nothing of it is judged; V2 finds it there and rewrites it
    assertThat(traced.statements().get(1).findings()).isEmpty();
    TracedStatement widen = traced.statements().get(3);
    assertThat(widen.ruleIds()).containsExactly("column-type-rewrite");
    assertThat(widen.rewritten()).contains("orders");
    assertThat(widen.locks()).anySatisfy(l -> assertThat(l.relation()).isEqualTo("orders"));
    assertThat(Files.readString(report)).contains("`column-type-rewrite`");
  }

  @Test
  void flywaySafeMigrationsPassAndLeaveAReport(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("V1__orders.sql"), ORDERS);
    Files.writeString(dir.resolve("V2__note.sql"), "SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN note text;\n");
    // CONCURRENTLY: Flyway runs this migration outside a transaction
    Files.writeString(dir.resolve("V3__index.sql"), "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);\n");
    Path report = dir.resolve("trace.json");
    LockplaneFlywayCallback callback = LockplaneFlywayCallback.of(TracePolicy.builder().failAt(RiskClass.REVIEW)
        .reportTo(report, ReportFormat.JSON).build());

    flyway(dir, callback).migrate();

    TraceReport traced = callback.report().orElseThrow();
    String text = traced.render(ReportFormat.TEXT);
    assertThat(traced.findings()).as(text).isEmpty();
    assertThat(traced.statements()).extracting(TracedStatement::location).as(text).endsWith(
        dir.resolve("V2__note.sql") + ":1", dir.resolve("V2__note.sql") + ":2", dir.resolve("V3__index.sql") + ":1");
    assertThat(traced.statements().get(4).sql()).isEqualTo("CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)");
    assertThat(traced.statements().get(3).locks()).anySatisfy(l -> assertThat(l.relation()).isEqualTo("orders"));
    assertThat(query("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo("3");
    assertThat(Files.readString(report)).contains("\"source\" : \"Flyway filesystem:" + dir + "\"", "orders_customer_idx");

    // a failing statement is reported with its error and location; nothing pending leaves no report
    Files.writeString(dir.resolve("V4__fails.sql"), "ALTER TABLE orders ADD COLUMN note text;\n");
    assertThatThrownBy(() -> flyway(dir, callback).migrate()).hasMessageContaining("V4__fails.sql");
    TracedStatement failed = callback.report().orElseThrow().failure().orElseThrow();
    assertThat(failed.location()).isEqualTo(dir.resolve("V4__fails.sql") + ":1");
    assertThat(failed.error().orElseThrow()).startsWith("42701");
    Files.delete(dir.resolve("V4__fails.sql"));
    flyway(dir, callback).migrate();
    assertThat(callback.report()).isEmpty();
  }

  @Test
  void flywayIgnoredRulesDoNotFail(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("V1__orders.sql"), ORDERS);
    Files.writeString(dir.resolve("V2__index.sql"), "SET lock_timeout = '1s';\n"
        + "-- lockplane:ignore create-index-blocking\nCREATE INDEX orders_amount_idx ON orders (amount);\n"
        + "ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint;\n");
    LockplaneFlywayCallback callback = LockplaneFlywayCallback.of(TracePolicy.builder().failAt(RiskClass.REVIEW)
        .ignore(List.of("column-type-rewrite")).build());

    flyway(dir, callback).migrate();

    List<TracedStatement> statements = callback.report().orElseThrow().statements();
    assertThat(statements.get(3).findings()).isEmpty();
    assertThat(statements.get(3).ignored()).containsExactly("create-index-blocking");
    assertThat(statements.get(4).ignored()).containsExactly("column-type-rewrite");
    assertThat(query("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo("2");
  }

  private void liquibaseUpdate(Path changelog, LockplaneLiquibaseListener listener) throws Exception {
    Scope.child(Map.of("liquibase.analytics.enabled", false), () -> {
      try (Connection c = dataSource.getConnection()) {
        Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        Liquibase liquibase = new Liquibase(changelog.getFileName().toString(),
            new DirectoryResourceAccessor(changelog.getParent()), db);
        liquibase.setChangeExecListener(listener);
        liquibase.update(new Contexts(), new LabelExpression());
      }
    });
  }

  private static Path changelog(Path dir, String second) throws Exception {
    return Files.writeString(dir.resolve("changelog.yaml"), """
        databaseChangeLog:
          - changeSet:
              id: 1
              author: shop
              changes:
                - sql:
                    sql: >
                      CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount int);
                      INSERT INTO orders SELECT g, g % 50, g % 100 FROM generate_series(1, 500) g
          - changeSet:
              id: 2
              author: shop
              changes:
        """ + second.indent(8));
  }

  @Test
  void liquibaseUnsafeChangeSetAbortsTheUpdate(@TempDir Path dir) throws Exception {
    Path changelog = changelog(dir, "- sql:\n    sql: ALTER TABLE orders ALTER COLUMN amount TYPE bigint\n");
    Path report = dir.resolve("trace.md");
    try (LockplaneLiquibaseListener listener = LockplaneLiquibaseListener.of(TracePolicy.builder()
        .reportTo(report, ReportFormat.MARKDOWN).build(), dataSource)) {
      assertThatThrownBy(() -> liquibaseUpdate(changelog, listener)).satisfies(t -> {
        LockplaneException cause = lockplaneCause(t);
        assertThat(cause.code()).isEqualTo(ErrorCode.UNSAFE_CHANGE);
        assertThat(cause.getMessage()).contains("Liquibase change set changelog.yaml::2::shop", "column-type-rewrite",
            "safer: add a column of the new type");
      });
      TraceReport traced = listener.report().orElseThrow();
      assertThat(traced.statements()).extracting(TracedStatement::location)
          .containsExactly("changelog.yaml::1::shop", "changelog.yaml::2::shop");
      assertThat(traced.statements().get(1).ruleIds()).contains("column-type-rewrite");
      assertThat(traced.statements().get(1).sql()).contains("ALTER TABLE orders ALTER COLUMN amount TYPE bigint");
    }
    assertThat(query("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'amount'"))
        .isEqualTo("integer");
    assertThat(query("SELECT string_agg(id, ',') FROM databasechangelog")).isEqualTo("1");
    assertThat(Files.readString(report)).contains("`column-type-rewrite`");
  }

  @Test
  void liquibaseSafeAndIgnoredChangeSetsPass(@TempDir Path dir) throws Exception {
    Path changelog = changelog(dir, """
        - addColumn:
            tableName: orders
            columns:
              - column: {name: note, type: text}
        - sql:
            sql: |
              -- lockplane:ignore column-type-rewrite
              ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint
        """);
    Path report = dir.resolve("out/trace.json");
    try (LockplaneLiquibaseListener listener = LockplaneLiquibaseListener.of(TracePolicy.builder()
        .failAt(RiskClass.DANGEROUS).reportTo(report, ReportFormat.JSON).build(), dataSource)) {
      liquibaseUpdate(changelog, listener);

      List<TracedStatement> statements = listener.report().orElseThrow().statements();
      assertThat(statements).hasSize(3);
      assertThat(statements.get(1).sql()).contains("ADD note TEXT");
      assertThat(statements.get(1).findings()).extracting(f -> f.risk()).allMatch(r -> r.compareTo(RiskClass.DANGEROUS) < 0);
      assertThat(statements.get(2).ignored()).contains("column-type-rewrite");
      assertThat(statements.get(2).transaction()).isEqualTo(statements.get(1).transaction());
    }
    assertThat(query("SELECT string_agg(id, ',' ORDER BY orderexecuted) FROM databasechangelog")).isEqualTo("1,2");
    assertThat(Files.readString(report)).contains("changelog.yaml::2::shop");
  }
}
