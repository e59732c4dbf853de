package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane trace} end to end on a small database of the shared server: exit codes, formats, ignores. */
class TraceCommandTest {
  LocalPostgres pg = SharedPostgres.get();
  String db;
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "trace_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int, amount int);"
          + "INSERT INTO orders SELECT g, g % 50, g FROM generate_series(1, 500) g");
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private Result trace(Map<String, String> env, String... options) {
    String[] args = new String[options.length + 1];
    args[0] = "trace";
    System.arraycopy(options, 0, args, 1, options.length);
    return MainTest.run(env, args);
  }

  private String[] connection(String... more) {
    String[] base = {"--url", pg.jdbcUrl(db), "--user", pg.user(), "--password", pg.password()};
    String[] out = new String[base.length + more.length];
    System.arraycopy(base, 0, out, 0, base.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }

  @Test
  void findingsExitTwoCleanExitsZeroAndTheTargetIsUntouched() throws Exception {
    Path unsafe = dir.resolve("V2__index.sql");
    Files.writeString(unsafe, "SET lock_timeout = '1s';\nCREATE INDEX orders_customer_idx ON orders (customer);\n");
    Result r = trace(Map.of(), connection("--sql", unsafe.toString()));
    assertThat(r.code()).as(r.err()).isEqualTo(Main.CHANGES);
    assertThat(r.out()).contains("create-index-blocking", "instead: CREATE INDEX CONCURRENTLY", unsafe + ":2",
        "lock SHARE on orders");

    Result json = trace(Map.of(), connection("--sql", unsafe.toString(), "--format", "json"));
    assertThat(json.code()).isEqualTo(Main.CHANGES);
    JsonNode doc = Json.MAPPER.readTree(json.out());
    assertThat(doc.get("statements").get(1).get("findings").get(0).get("rule").asText()).isEqualTo("create-index-blocking");
    assertThat(doc.get("statements").get(1).get("locks").get(0).get("blocks").toString()).isEqualTo("[\"writes\",\"ddl\"]");

    Result md = trace(Map.of(), connection("--sql", unsafe.toString(), "--format", "markdown", "--ignore",
        "create-index-blocking"));
    assertThat(md.code()).as(md.err()).isEqualTo(Main.OK);
    assertThat(md.out()).startsWith("### Migration trace").contains("| 2 | `" + unsafe + ":2`");

    Result html = trace(Map.of(), connection("--sql", unsafe.toString(), "--format", "html"));
    assertThat(html.code()).isEqualTo(Main.CHANGES);
    assertThat(html.out()).startsWith("<!DOCTYPE html>").contains("<svg id=\"timeline\"", "create-index-blocking");

    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer_idx'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE starts_with(datname, 'lpt_')")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void aFailingMigrationExitsOneWithItsLocation() throws Exception {
    Path broken = dir.resolve("V3__broken.sql");
    Files.writeString(broken, "SET lock_timeout = '1s';\n\nALTER TABLE orders ADD COLUMN total numeric(10, 2);\n"
        + "ALTER TABLE no_such_table ADD COLUMN x int;\n");
    Result r = trace(Map.of(), connection("--sql", broken.toString()));
    assertThat(r.code()).isEqualTo(Main.ERROR);
    assertThat(r.out()).contains("FAILED at statement 3 (" + broken + ":4)", "42P01");
    assertThat(r.err()).contains("the migration failed at " + broken + ":4");
  }

  @Test
  void queriesThatGetSlowerOrFailAfterTheMigrationExitTwo() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("INSERT INTO orders SELECT g, g % 50, g FROM generate_series(501, 100000) g;"
          + "CREATE INDEX orders_amount_idx ON orders (amount)");
    }
    Path migration = dir.resolve("V4__drop_index.sql");
    Files.writeString(migration, "-- lockplane:ignore drop-index-blocking, lock-timeout-missing\nDROP INDEX orders_amount_idx;\n");
    Path queries = dir.resolve("queries.sql");
    Files.writeString(queries, "-- name: by amount\nSELECT id FROM orders WHERE amount = 777;\n");
    Result r = trace(Map.of(), connection("--sql", migration.toString(), "--queries", queries.toString(),
        "--query-runs", "3"));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.CHANGES);
    assertThat(r.out()).contains("by amount:", "plan changed", "using orders_amount_idx", "Seq Scan on orders",
        "1 query slower");

    Result usage = trace(Map.of(), connection("--sql", migration.toString(), "--query-runs", "3"));
    assertThat(usage.code()).isEqualTo(Main.USAGE);
    assertThat(usage.err()).contains("--query-runs and --slower-than go with --queries");
  }

  @Test
  void theEnvironmentsIgnoreListAndUsageErrors() throws Exception {
    Path unsafe = dir.resolve("V2__drop.sql");
    Files.writeString(unsafe, "SET lock_timeout = '1s';\nALTER TABLE orders DROP COLUMN amount;\n");
    Path config = dir.resolve("lockplane.toml");
    Files.writeString(config, "[environments.dev]\nurl = \"" + pg.jdbcUrl(db) + "\"\nuser = \"" + pg.user()
        + "\"\npassword-env = \"DEV_PASSWORD\"\ntrace-ignore = [\"drop-column\"]\n");
    Map<String, String> env = Map.of("DEV_PASSWORD", pg.password());
    Result r = trace(env, "--env", "dev", "--config", config.toString(), "--sql", unsafe.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.OK);
    assertThat(r.out()).contains("ignored: drop-column");

    Files.writeString(config, "[environments.dev]\nurl = \"" + pg.jdbcUrl(db) + "\"\ntrace-ignore = [\"no-such-rule\"]\n");
    Result bad = trace(env, "--env", "dev", "--config", config.toString(), "--sql", unsafe.toString());
    assertThat(bad.code()).isNotEqualTo(Main.OK);
    assertThat(bad.err()).contains("trace-ignore: 'no-such-rule' is not a trace rule");

    Path mix = dir.resolve("mix.txt");
    Files.writeString(mix, "100/s SELECT 1\nsoon SELECT 2\n");
    Result badMix = trace(Map.of(), connection("--sql", unsafe.toString(), "--load", mix.toString()));
    assertThat(badMix.code()).isEqualTo(Main.ERROR);
    assertThat(badMix.err()).contains(mix + ":2: expected 'RATE/s SQL'");

    Result noStats = trace(Map.of(), connection("--sql", unsafe.toString(), "--load-top", "5"));
    assertThat(noStats.code()).isEqualTo(Main.ERROR);
    assertThat(noStats.err()).contains("has no pg_stat_statements", "shared_preload_libraries").doesNotContain("at dev.");
    Result twoLoads = trace(Map.of(), connection("--sql", unsafe.toString(), "--load-top", "5", "--load", mix.toString()));
    assertThat(twoLoads.code()).isEqualTo(Main.USAGE);
    assertThat(twoLoads.err()).contains("--load and --load-top are mutually exclusive");

    Result both = trace(Map.of(), connection("--sql", unsafe.toString(), "--liquibase", "x.xml"));
    assertThat(both.code()).isEqualTo(Main.USAGE);
    assertThat(both.err()).contains("mutually exclusive");
    Result help = trace(Map.of(), "--help");
    assertThat(help.code()).isEqualTo(Main.OK);
    assertThat(help.out()).contains("--sql", "--flyway", "--liquibase", "--ignore", "--load", "--queries", "lockplane:ignore");
  }
}
