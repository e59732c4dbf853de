package dev.lockplane.clones;

import static dev.lockplane.clones.DatabaseClonesTest.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.testing.SharedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Goldens built by Flyway and by Liquibase themselves, on the shared server. */
class MigrationGoldensTest {
  @TempDir Path dir;

  private static String prefix() {
    return "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  private static String text(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Every database this test's prefix names, goldens included. */
  private static long databases(String prefix) throws SQLException {
    return count(SharedPostgres.get().dataSource("postgres"),
        "SELECT count(*) FROM pg_database WHERE datname LIKE '" + prefix + "%'");
  }

  private Path flywayFolder() throws IOException {
    Path m = Files.createDirectories(dir.resolve("migration"));
    Files.writeString(m.resolve("V1__schema.sql"), """
        CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
        CREATE TABLE audit (note text);
        """);
    Files.writeString(m.resolve("V2__seed.sql"),
        "INSERT INTO customers SELECT g, '${greeting} ' || g FROM generate_series(1, 25) g;\n");
    Files.writeString(m.resolve("R__customer_names.sql"),
        "CREATE OR REPLACE VIEW customer_names AS SELECT name FROM customers;\n");
    // a callback in the location, run by Flyway after the migrations
    Files.writeString(m.resolve("afterMigrate.sql"), "INSERT INTO audit VALUES ('migrated');\n");
    return m;
  }

  @Test
  void flywayFolderWithPlaceholderRepeatableAndCallbackBecomesTheGolden() throws Exception {
    Path m = flywayFolder();
    Golden golden = Golden.fromFlyway("filesystem:" + m).placeholders(Map.of("greeting", "hello"));
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix()).start()) {
      Clone a = clones.create("a");
      assertThat(count(a.dataSource(), "SELECT count(*) FROM customers")).isEqualTo(25);
      assertThat(text(a.dataSource(), "SELECT name FROM customers WHERE id = 1")).isEqualTo("hello 1");
      assertThat(count(a.dataSource(), "SELECT count(*) FROM customer_names")).isEqualTo(25);
      assertThat(text(a.dataSource(), "SELECT string_agg(note, ',') FROM audit")).isEqualTo("migrated");
      // Flyway's own history is part of the golden: the application's Flyway sees it up to date
      assertThat(count(a.dataSource(), "SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(3);
      assertThat(clones.golden().description()).contains("Flyway migrations");
    }
  }

  @Test
  void aChangedMigrationOrCallbackBuildsANewGoldenAndAnUnchangedOneIsReused() throws Exception {
    Path m = flywayFolder();
    Golden golden = Golden.fromFlyway("filesystem:" + m).placeholders(Map.of("greeting", "hi"));
    String prefix = prefix();
    String first;
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix).start()) {
      first = clones.golden().name();
    }
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix).start()) {
      assertThat(clones.golden().name()).isEqualTo(first);
    }
    Files.writeString(m.resolve("V2__seed.sql"),
        "INSERT INTO customers SELECT g, '${greeting} ' || g FROM generate_series(1, 40) g;\n");
    String second;
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix).start()) {
      second = clones.golden().name();
      assertThat(second).isNotEqualTo(first);
      assertThat(count(clones.create("b").dataSource(), "SELECT count(*) FROM customers")).isEqualTo(40);
    }
    // a callback has no Flyway checksum; its content counts all the same
    Files.writeString(m.resolve("afterMigrate.sql"), "INSERT INTO audit VALUES ('migrated again');\n");
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix).start()) {
      assertThat(clones.golden().name()).isNotIn(first, second);
      assertThat(text(clones.create("c").dataSource(), "SELECT string_agg(note, ',') FROM audit")).isEqualTo("migrated again");
    }
  }

  @Test
  void aFailingMigrationIsNamedAndLeavesNothingBehind() throws Exception {
    Path m = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(m.resolve("V1__schema.sql"), "CREATE TABLE customers (id bigint PRIMARY KEY);\n");
    Files.writeString(m.resolve("V2__add_orders.sql"), "CREATE TABLE orders (id bigint);\nINSERT INTO no_such_table VALUES (1);\n");
    String prefix = prefix();
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).golden(Golden.fromFlyway("filesystem:" + m))
            .databasePrefix(prefix).start())
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCRIPT_FAILED))
        .hasMessageContaining("V2 (V2__add_orders.sql)")
        .hasMessageContaining("no_such_table");
    assertThat(databases(prefix)).isZero();
  }

  @Test
  void aMissingFlywayLocationIsAConfigurationError() {
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get())
            .golden(Golden.fromFlyway("classpath:golden/no-such-folder")).databasePrefix(prefix()).start())
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("golden/no-such-folder");
  }

  @Test
  void flywayClasspathLocation() throws Exception {
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get())
        .golden(Golden.fromFlyway("classpath:golden/flyway")).databasePrefix(prefix()).start()) {
      assertThat(text(clones.create().dataSource(), "SELECT string_agg(name, ',' ORDER BY id) FROM products"))
          .isEqualTo("kettle,teapot");
    }
  }

  @Test
  void liquibaseXmlChangelogFromTheClasspathWithContextsAndParameters() throws Exception {
    Golden golden = Golden.fromLiquibase("golden/liquibase/changelog.xml").contexts("test").parameters(Map.of("brand", "Acme"));
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix()).start()) {
      Clone a = clones.create("a");
      assertThat(text(a.dataSource(), "SELECT string_agg(name, ',' ORDER BY id) FROM products"))
          .isEqualTo("Acme kettle,Acme teapot");
      assertThat(count(a.dataSource(), "SELECT count(*) FROM databasechangelog")).isEqualTo(2);
    }
  }

  @Test
  void liquibaseYamlChangelogFileAndAChangedChangeSetBuildsANewGolden() throws Exception {
    Path changelog = dir.resolve("changelog.yaml");
    Files.writeString(changelog, yaml("1, 2, 3"));
    String prefix = prefix();
    Golden golden = Golden.fromLiquibase(changelog.toString()).contexts("test");
    String first;
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix).start()) {
      first = clones.golden().name();
      assertThat(count(clones.create().dataSource(), "SELECT count(*) FROM t")).isEqualTo(3);
    }
    Files.writeString(changelog, yaml("1, 2, 3, 4"));
    try (CloneManager clones = CloneManagers.databases(SharedPostgres.get()).golden(golden).databasePrefix(prefix).start()) {
      assertThat(clones.golden().name()).isNotEqualTo(first);
      assertThat(count(clones.create().dataSource(), "SELECT count(*) FROM t")).isEqualTo(4);
    }
  }

  private static String yaml(String values) {
    return """
        databaseChangeLog:
          - changeSet:
              id: create-t
              author: ana
              changes:
                - sql:
                    sql: CREATE TABLE t (x int)
          - changeSet:
              id: seed-t
              author: ana
              context: test
              changes:
                - sql:
                    sql: INSERT INTO t SELECT unnest(ARRAY[%s])
          - changeSet:
              id: prod-only
              author: ana
              context: prod
              changes:
                - sql:
                    sql: INSERT INTO t VALUES (100)
        """.formatted(values);
  }

  @Test
  void aChangelogThatDoesNotParseIsNamed() throws Exception {
    Path changelog = dir.resolve("broken.yaml");
    Files.writeString(changelog, "databaseChangeLog:\n  - changeSet: [unclosed\n");
    String prefix = prefix();
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get())
            .golden(Golden.fromLiquibase(changelog.toString())).databasePrefix(prefix).start())
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("cannot parse changelog " + changelog);
    assertThat(databases(prefix)).isZero();
  }

  @Test
  void aFailingChangeSetIsNamedAndLeavesNothingBehind() throws Exception {
    Path changelog = dir.resolve("failing.yaml");
    Files.writeString(changelog, """
        databaseChangeLog:
          - changeSet:
              id: good
              author: ana
              changes:
                - sql:
                    sql: CREATE TABLE t (x int)
          - changeSet:
              id: bad
              author: bo
              changes:
                - sql:
                    sql: INSERT INTO missing_table VALUES (1)
        """);
    String prefix = prefix();
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get())
            .golden(Golden.fromLiquibase(changelog.toString())).databasePrefix(prefix).start())
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCRIPT_FAILED))
        .hasMessageContaining("change set 'bad' by 'bo' in failing.yaml")
        .hasMessageContaining("missing_table");
    assertThat(databases(prefix)).isZero();
  }

  @Test
  void aMissingChangelogIsAConfigurationError() {
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get())
            .golden(Golden.fromLiquibase("db/no-such-changelog.yaml")).databasePrefix(prefix()).start())
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("db/no-such-changelog.yaml");
  }
}
