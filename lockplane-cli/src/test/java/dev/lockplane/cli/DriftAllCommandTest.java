package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** drift --all: three environments with different drift on one real server, and one that does not answer. */
class DriftAllCommandTest {
  static final String V1 = "CREATE TABLE orders (id bigint PRIMARY KEY);\n";
  static final String V2 = V1 + "CREATE TABLE customers (id bigint);\n";

  LocalPostgres pg = SharedPostgres.get();
  String suffix = Long.toHexString(System.nanoTime());
  List<String> dbs = List.of("dev_" + suffix, "staging_" + suffix, "production_" + suffix);
  @TempDir Path dir;

  @BeforeEach
  void createDatabases() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      for (String db : dbs) {
        s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
      }
    }
  }

  @AfterEach
  void dropDatabases() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      for (String db : dbs) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  private String environment(String name, String url) {
    return "[environments." + name + "]\nurl = \"" + url + "\"\nuser = \"" + pg.user() + "\"\n"
        + "password-env = \"DB_PASSWORD\"\nschema = \"schema.sql\"\nscratch-url = \"" + pg.jdbcUrl("postgres") + "\"\n\n";
  }

  @Test
  void everyEnvironmentInOneTable() throws Exception {
    Planner planner = Lockplane.planner().scratchServer(pg).build();
    Plan first = planner.plan(pg.dataSource(dbs.get(0)), Desired.sql("v1.sql", V1));
    dbs.forEach(db -> planner.apply(first, pg.dataSource(db)));
    Plan second = planner.plan(pg.dataSource(dbs.get(0)), Desired.sql("v2.sql", V2));
    planner.apply(second, pg.dataSource(dbs.get(0)));
    planner.apply(second, pg.dataSource(dbs.get(2)));
    try (Connection c = pg.connect(dbs.get(2)); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE orders ADD COLUMN emergency_fix_2024_01 text");
    }
    Files.writeString(dir.resolve("schema.sql"), V2);
    Path config = dir.resolve("lockplane.toml");
    String three = environment("dev", pg.jdbcUrl(dbs.get(0))) + environment("staging", pg.jdbcUrl(dbs.get(1)))
        + environment("production", pg.jdbcUrl(dbs.get(2)));
    Files.writeString(config, three);
    Map<String, String> env = Map.of("DB_PASSWORD", pg.password());

    Result text = MainTest.run(env, "drift", "--all", "--config", config.toString());
    assertThat(text.code()).as(text.err()).isEqualTo(Main.CHANGES);
    assertThat(text.out().lines().toList()).containsExactly(
        "dev         ok       at the desired schema",
        "production  drift    production has extra column public.orders.emergency_fix_2024_01 not in the desired schema",
        "staging     drift    staging lacks column public.customers.id of the desired schema",
        "staging     drift    staging lacks table public.customers of the desired schema",
        "staging     history  staging lacks 1 apply that dev has (from their history tables)",
        "staging     history  staging lacks 1 apply that production has (from their history tables)");

    Result markdown = MainTest.run(env, "drift", "--all", "--config", config.toString(), "--format", "markdown");
    assertThat(markdown.out()).startsWith("| environment | | difference |\n|---|---|---|\n| dev | ok | at the desired schema |\n");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Files.writeString(config, three + environment("qa", "jdbc:postgresql://127.0.0.1:" + closedPort + "/qa"));
    Result down = MainTest.run(env, "drift", "--all", "--config", config.toString(), "--format", "json",
        "--parallel", "2");
    assertThat(down.code()).isEqualTo(Main.ERROR);
    assertThat(down.err()).contains("environment qa: DATABASE_ERROR");
    JsonNode envs = JsonAssertions.sortedJson(down.out()).get("environments");
    assertThat(envs).extracting(e -> e.get("name").asText() + "=" + e.get("status").asText())
        .containsExactly("dev=ok", "production=drifted", "qa=error", "staging=drifted");
    assertThat(envs.get(2).get("error").asText()).contains("Connection to 127.0.0.1:" + closedPort + " refused");
    assertThat(envs.get(1).get("differences").toString()).contains("extra column public.orders.emergency_fix_2024_01");
    assertThat(down.out() + down.err()).doesNotContain("password=" + pg.password());

    Result misuse = MainTest.run(env, "drift", "--all", "--config", config.toString(), "--env", "dev");
    assertThat(misuse.code()).isEqualTo(Main.USAGE);
  }
}
