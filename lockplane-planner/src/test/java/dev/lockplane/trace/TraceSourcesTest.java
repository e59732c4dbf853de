package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.testing.SharedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces of the other sources and of failures: SQL files in version order, a migration that fails
 * half-way, ignore comments and ignore lists, a Flyway location on a target with Flyway history
 * (placeholders, checksum mismatch) and Liquibase changelogs (one that runs, one that does not parse).
 */
class TraceSourcesTest {
  private static final String ORDERS = """
      CREATE TABLE orders (id int NOT NULL, customer_id int, amount int);
      INSERT INTO orders SELECT g, g % 50, g % 100 FROM generate_series(1, 500) g;
      """;
  private static CloneManager clones;

  @BeforeAll
  static void golden() {
    clones = CloneManagers.databases(SharedPostgres.get()).golden(Golden.fromScripts(List.of(Script.of("orders.sql", ORDERS))))
        .databasePrefix(prefix("ts")).start();
  }

  @AfterAll
  static void close() {
    if (clones != null) {
      clones.close();
    }
  }

  private static String prefix(String kind) {
    return kind + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
  }

  @Test
  void sqlDirectoryRunsInVersionOrderAndFailureEndsTheTraceWithItsLocation(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("V10__fails.sql"), "SET lock_timeout = '1s';\n\nALTER TABLE orders ADD COLUMN total int;\n"
        + "ALTER TABLE orders ADD COLUMN total int;\nALTER TABLE orders ADD COLUMN never int;\n");
    Files.writeString(dir.resolve("V2__index.sql"), "SET lock_timeout = '1s';\n"
        + "-- lockplane:ignore create-index-blocking\nCREATE INDEX orders_amount_idx ON orders (amount);\n");
    List<TracedStatement> seen = new ArrayList<>();

    TraceReport report = MigrationTrace.builder().source(MigrationSource.sql(dir)).on(clones).listener(seen::add).build().run();

    String text = report.render(ReportFormat.TEXT);
    assertThat(report.statements()).extracting(TracedStatement::location).as(text).containsExactly(
        dir.resolve("V2__index.sql") + ":1", dir.resolve("V2__index.sql") + ":3",
        dir.resolve("V10__fails.sql") + ":1", dir.resolve("V10__fails.sql") + ":3", dir.resolve("V10__fails.sql") + ":4");
    assertThat(seen).isEqualTo(report.statements());
    TracedStatement index = report.statements().get(1);
    assertThat(index.findings()).isEmpty();
    assertThat(index.ignored()).containsExactly("create-index-blocking");
    TracedStatement failed = report.failure().orElseThrow();
    assertThat(failed.number()).isEqualTo(5);
    assertThat(failed.error().orElseThrow()).startsWith("42701").contains("total");
    assertThat(text).contains("FAILED at statement 5 (" + dir.resolve("V10__fails.sql") + ":4)");
    assertThat(report.render(ReportFormat.JSON)).contains("\"error\" : \"42701");
    assertThat(clones.list()).isEmpty();
  }

  @Test
  void ignoreListMovesFindingsAsideAndUnknownRulesAreRefused() {
    TraceReport report = MigrationTrace.builder()
        .source(new MigrationSource.SqlScripts(List.of(Script.of("m.sql", "CREATE INDEX i ON orders (customer_id);"))))
        .on(clones).ignore(List.of("lock-timeout-missing")).build().run();
    assertThat(report.statements().get(0).ruleIds()).containsExactly("create-index-blocking");
    assertThat(report.statements().get(0).ignored()).containsExactly("lock-timeout-missing");
    assertThat(report.statements().get(0).locks()).singleElement().satisfies(l -> {
      assertThat(l.relation()).isEqualTo("orders");
      assertThat(l.blocks()).containsExactly("writes", "ddl");
      assertThat(l.observed()).isTrue();
    });
    assertThat(report.render(ReportFormat.MARKDOWN)).contains("`create-index-blocking`", "*Instead:* CREATE INDEX CONCURRENTLY");

    assertThatThrownBy(() -> MigrationTrace.builder().ignore(List.of("no-such-rule")))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("unknown trace rule 'no-such-rule'")
        .hasMessageContaining("create-index-blocking");
  }

  @Test
  void flywayPendingMigrationsAreTracedWithPlaceholdersAndAChecksumMismatchIsRefused(@TempDir Path dir) throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String database = prefix("fw") + "target";
    execute(pg, "postgres", "CREATE DATABASE " + database);
    try {
      Files.writeString(dir.resolve("V1__orders.sql"), ORDERS);
      Flyway.configure().dataSource(pg.jdbcUrl(database), pg.user(), pg.password())
          .locations("filesystem:" + dir).load().migrate();
      Files.writeString(dir.resolve("V2__index.sql"), "SET lock_timeout = '1s';\n\n-- the index of ${table}\n"
          + "CREATE INDEX ${table}_customer_idx ON ${table} (customer_id);\n");
      try (CloneManager target = CloneManagers.databases(pg).golden(Golden.fromDatabase(database))
          .databasePrefix(prefix("fc")).start()) {
        MigrationTrace trace = MigrationTrace.builder()
            .source(MigrationSource.flyway(List.of("filesystem:" + dir), Map.of("table", "orders")))
            .on(target).build();
        TraceReport report = trace.run();

        String text = report.render(ReportFormat.TEXT);
        assertThat(report.statements()).extracting(TracedStatement::location).as(text)
            .containsExactly(dir.resolve("V2__index.sql") + ":1", dir.resolve("V2__index.sql") + ":4");
        TracedStatement index = report.statements().get(1);
        assertThat(index.sql()).contains("CREATE INDEX orders_customer_idx ON orders");
        assertThat(index.ruleIds()).as(text).containsExactly("create-index-blocking");
        assertThat(index.transaction()).isEqualTo(report.statements().get(0).transaction());

        Files.writeString(dir.resolve("V3__fails.sql"), "SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN note text;\n"
            + "ALTER TABLE orders ADD COLUMN note text;\n");
        TraceReport failed = trace.run();
        TracedStatement failure = failed.failure().orElseThrow();
        assertThat(failure.location()).isEqualTo(dir.resolve("V3__fails.sql") + ":3");
        assertThat(failure.error().orElseThrow()).startsWith("42701");
        assertThat(failed.statements()).hasSize(5);
        Files.delete(dir.resolve("V3__fails.sql"));

        Files.writeString(dir.resolve("V1__orders.sql"), ORDERS + "-- edited after it was applied\n");
        assertThatThrownBy(trace::run).isInstanceOf(LockplaneException.class)
            .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("Flyway refused").hasMessageContaining("checksum mismatch")
            .hasMessageContaining("version 1");
        assertThat(target.list()).isEmpty();
      }
    } finally {
      execute(pg, "postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @Test
  void aPlanIsTracedAsApplyRunsIt() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String database = prefix("pl") + "target";
    execute(pg, "postgres", "CREATE DATABASE " + database);
    try {
      execute(pg, database, ORDERS);
      Desired desired = Desired.sql("d.sql", ORDERS.lines().findFirst().orElseThrow()
          .replace("amount int", "amount int, note text") + "\nCREATE INDEX orders_amount_idx ON orders (amount);");
      Plan strict = Lockplane.planner().scratchServer(pg).safety(SafetyLevel.STRICT).build()
          .plan(pg.dataSource(database), desired);
      Plan permissive = Lockplane.planner().scratchServer(pg).safety(SafetyLevel.PERMISSIVE).build()
          .plan(pg.dataSource(database), desired);
      try (CloneManager target = CloneManagers.databases(pg).golden(Golden.fromDatabase(database))
          .databasePrefix(prefix("pc")).start()) {
        TraceReport report = MigrationTrace.builder().source(MigrationSource.plan(strict)).on(target).build().run();
        String text = report.render(ReportFormat.TEXT);
        assertThat(report.statements()).as(text).hasSize(strict.steps().size());
        assertThat(report.statements()).allSatisfy(s -> assertThat(s.location()).startsWith("step "));
        assertThat(report.statements()).extracting(TracedStatement::sql).as(text)
            .anySatisfy(sql -> assertThat(sql).startsWith("CREATE INDEX CONCURRENTLY"));
        // Apply's lock_timeout is set, and the strict planner's forms are the safe ones.
        assertThat(report.findings()).as(text).isEmpty();
        assertThat(report.succeeded()).isTrue();

        TraceReport loose = MigrationTrace.builder().source(MigrationSource.plan(permissive)).on(target).build().run();
        assertThat(loose.findings()).as(loose.render(ReportFormat.TEXT)).extracting(f -> f.ruleId())
            .containsExactly("create-index-blocking");
      }
    } finally {
      execute(pg, "postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @Test
  void liquibaseChangeSetsAreTracedWithTheSqlLiquibaseGenerates(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("changelog.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
              http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
          <changeSet id="1" author="alice">
            <sql>SET lock_timeout = '1s'</sql>
            <addNotNullConstraint tableName="orders" columnName="amount" columnDataType="int"/>
          </changeSet>
          <changeSet id="2" author="alice">
            <addColumn tableName="orders"><column name="note" type="text"/></addColumn>
          </changeSet>
        </databaseChangeLog>
        """);
    TraceReport report = MigrationTrace.builder()
        .source(MigrationSource.liquibase(dir.resolve("changelog.xml"), List.of())).on(clones).build().run();

    String text = report.render(ReportFormat.TEXT);
    assertThat(report.statements()).extracting(TracedStatement::location).as(text)
        .containsExactly("changelog.xml::1::alice", "changelog.xml::1::alice", "changelog.xml::2::alice");
    assertThat(report.statements().get(1).sql()).containsIgnoringCase("SET NOT NULL");
    assertThat(report.statements().get(1).ruleIds()).as(text).containsExactly("set-not-null-under-lock");
    assertThat(report.statements().get(2).ruleIds()).as(text).isEmpty();
    assertThat(report.succeeded()).isTrue();

    Files.writeString(dir.resolve("changelog.xml"), Files.readString(dir.resolve("changelog.xml")).replace(
        "</databaseChangeLog>", """
          <changeSet id="3" author="bob">
            <sql>ALTER TABLE no_such_table ADD COLUMN x int</sql>
          </changeSet>
        </databaseChangeLog>"""));
    TraceReport failed = MigrationTrace.builder()
        .source(MigrationSource.liquibase(dir.resolve("changelog.xml"), List.of())).on(clones).build().run();
    assertThat(failed.failure().orElseThrow().location()).isEqualTo("changelog.xml::3::bob");
    assertThat(failed.failure().orElseThrow().error().orElseThrow()).startsWith("42P01");
    assertThat(clones.list()).isEmpty();
  }

  @Test
  void aLiquibaseChangelogThatDoesNotParseIsRefused(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("broken.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
          <changeSet id="1" author="alice">
            <addColumn tableName="orders"><column name="note" type="text"/>
          </changeSet>
        </databaseChangeLog>
        """);
    assertThatThrownBy(() -> MigrationTrace.builder()
        .source(MigrationSource.liquibase(dir.resolve("broken.xml"), List.of())).on(clones).build().run())
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("Liquibase refused changelog").hasMessageContaining("broken.xml");
    assertThat(clones.list()).isEmpty();
  }

  private static void execute(LocalPostgres pg, String database, String sql) throws SQLException {
    try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
