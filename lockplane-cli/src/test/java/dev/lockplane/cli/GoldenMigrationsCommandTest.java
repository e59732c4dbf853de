package dev.lockplane.cli;

import static dev.lockplane.cli.JsonAssertions.sortedJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code lockplane golden prepare --flyway / --liquibase}: the folder run by its tool, then a clone of it. */
class GoldenMigrationsCommandTest {
  private final LocalPostgres pg = SharedPostgres.get();

  private static Path resource(String name) throws Exception {
    return Path.of(GoldenMigrationsCommandTest.class.getResource("/golden-sources/" + name).toURI());
  }

  private static String query(String url, String user, String password, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Prepares with {@code source}, creates a clone, and returns its JDBC URL. */
  private String prepareAndClone(String prefix, String... source) {
    Map<String, String> env = Map.of("CLONE_PW", pg.password());
    String[] home = {"--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env", "CLONE_PW", "--prefix", prefix};
    String[] prepare = concat(concat(new String[] {"golden", "prepare"}, home), source);
    Result prepared = MainTest.run(env, concat(prepare, "--format", "json"));
    assertThat(prepared.code()).as(prepared.err()).isZero();
    JsonNode golden = sortedJson(prepared.out()).get("golden");
    assertThat(golden.get("name").asText()).startsWith(prefix + "golden_");
    Result created = MainTest.run(env, concat(concat(new String[] {"clone", "create"}, home), "--name", "m1", "--format", "json"));
    assertThat(created.code()).as(created.err()).isZero();
    JsonNode clone = sortedJson(created.out()).get("clone");
    assertThat(clone.get("snapshot").asText()).isEqualTo(golden.get("name").asText());
    return clone.get("jdbcUrl").asText();
  }

  @Test
  void aFlywayFolderIsMigratedByFlywayIntoTheGolden() throws Exception {
    String prefix = "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    try {
      String url = prepareAndClone(prefix, "--flyway", "filesystem:" + resource("flyway"));
      assertThat(query(url, pg.user(), pg.password(), "SELECT count(*) || ' ' || max(owner) FROM accounts"))
          .isEqualTo("12 owner 9");
      assertThat(query(url, pg.user(), pg.password(),
          "SELECT string_agg(version || ':' || success, ',' ORDER BY installed_rank) FROM flyway_schema_history"))
          .isEqualTo("1:true,2:true");
    } finally {
      destroyAll(prefix);
    }
  }

  @Test
  void aLiquibaseChangelogIsRunByLiquibaseIntoTheGolden() throws Exception {
    String prefix = "l" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    try {
      String url = prepareAndClone(prefix, "--liquibase", resource("liquibase/changelog.sql").toString());
      assertThat(query(url, pg.user(), pg.password(), "SELECT count(*) FROM accounts")).isEqualTo("9");
      assertThat(query(url, pg.user(), pg.password(),
          "SELECT string_agg(id || '/' || author, ',' ORDER BY orderexecuted) FROM databasechangelog"))
          .isEqualTo("1/lockplane,2/lockplane");
    } finally {
      destroyAll(prefix);
    }
  }

  private void destroyAll(String prefix) {
    try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix).persistent(true).start()) {
      m.list().forEach(c -> c.destroy());
    } catch (dev.lockplane.LockplaneException noGolden) {
      // nothing was prepared
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
