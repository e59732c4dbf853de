package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two environments of lockplane.toml as two databases of one real server, with credentials by reference. */
class EnvironmentsCommandTest {
  LocalPostgres pg = SharedPostgres.get();
  String dev;
  String staging;
  @TempDir Path dir;

  @BeforeEach
  void createDatabases() throws Exception {
    String suffix = Long.toHexString(System.nanoTime());
    dev = "env_dev_" + suffix;
    staging = "env_staging_" + suffix;
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + dev + " TEMPLATE template0");
      s.execute("CREATE DATABASE " + staging + " TEMPLATE template0");
    }
  }

  @AfterEach
  void dropDatabases() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + dev + " WITH (FORCE)");
      s.execute("DROP DATABASE IF EXISTS " + staging + " WITH (FORCE)");
    }
  }

  @Test
  void environmentsTakeTheirUrlSchemaAndPasswordFromTheFile() throws Exception {
    Files.createDirectories(dir.resolve("db"));
    Files.writeString(dir.resolve("db/schema.sql"), "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
    Files.writeString(dir.resolve("dev-password"), pg.password() + "\n");
    Path config = dir.resolve("lockplane.toml");
    Files.writeString(config, "[environments.dev]\n"
        + "url = \"" + pg.jdbcUrl(dev) + "\"\nuser = \"" + pg.user() + "\"\npassword-file = \"dev-password\"\n"
        + "schema = \"db/schema.sql\"\nscratch-url = \"" + pg.jdbcUrl("postgres") + "\"\nlock-wait = \"5s\"\n\n"
        + "[environments.staging]\n"
        + "url = \"" + pg.jdbcUrl(staging) + "\"\nuser = \"" + pg.user() + "\"\npassword-env = \"STAGING_PASSWORD\"\n"
        + "schema = \"db/schema.sql\"\nscratch-url = \"" + pg.jdbcUrl("postgres") + "\"\n");
    Map<String, String> env = Map.of("STAGING_PASSWORD", pg.password());

    Result applied = MainTest.run(env, "apply", "--env", "dev", "--config", config.toString(), "--auto-approve");
    assertThat(applied.code()).as(applied.err()).isZero();
    Result devStatus = MainTest.run(env, "status", "--env", "dev", "--config", config.toString());
    assertThat(devStatus.out()).startsWith("status: at desired state");
    Result stagingStatus = MainTest.run(env, "status", "--env", "staging", "--config", config.toString());
    assertThat(stagingStatus.code()).as(stagingStatus.err()).isEqualTo(Main.CHANGES);
    assertThat(stagingStatus.out()).startsWith("status: behind");
    Result history = MainTest.run(env, "history", "--env", "dev", "--config", config.toString());
    assertThat(history.out().lines()).singleElement().asString().contains("applied", "by " + pg.user() + "@");

    Result unset = MainTest.run(Map.of(), "status", "--env", "staging", "--config", config.toString());
    assertThat(unset.code()).isEqualTo(Main.ERROR);
    assertThat(unset.err()).contains("takes its password from the variable STAGING_PASSWORD, which is not set");
    // A command-line option wins over the file: this URL names the staging database for the dev environment.
    Result overridden = MainTest.run(env, "history", "--env", "dev", "--config", config.toString(), "--url",
        pg.jdbcUrl(staging));
    assertThat(overridden.out()).isEqualTo("no applies recorded\n");
    for (Result r : new Result[] {applied, devStatus, stagingStatus, history, unset, overridden}) {
      if (pg.password().length() >= 4) {
        assertThat(r.out() + r.err()).doesNotContain(pg.password());
      }
    }
  }
}
