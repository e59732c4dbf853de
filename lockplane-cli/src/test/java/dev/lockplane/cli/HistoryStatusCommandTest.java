package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane history} and {@code lockplane status} through a database's life: behind, applied, ahead, drifted. */
class HistoryStatusCommandTest {
  LocalPostgres pg = SharedPostgres.get();
  String db;
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "history_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private Path schema(String name, String sql) throws Exception {
    Path p = dir.resolve(name + ".sql");
    Files.writeString(p, sql);
    return p;
  }

  private Result run(String command, String... options) {
    List<String> args = new ArrayList<>(List.of(command, "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password",
        pg.password()));
    if (!command.equals("history") && !command.equals("changelog")) {
      args.addAll(List.of("--scratch-url", pg.jdbcUrl("postgres")));
    }
    args.addAll(List.of(options));
    return MainTest.run(args.toArray(String[]::new));
  }

  private String state(Path schema) {
    Result r = run("status", "--schema", schema.toString(), "--format", "json");
    assertThat(r.code()).as(r.err()).isIn(Main.OK, Main.CHANGES);
    String state = JsonAssertions.sortedJson(r.out()).get("state").asText();
    assertThat(r.code()).isEqualTo(state.equals("at_desired_state") ? Main.OK : Main.CHANGES);
    return state;
  }

  @Test
  void historyAndStatusFollowTheDatabase() throws Exception {
    Path v1 = schema("v1", "CREATE TABLE orders (id bigint PRIMARY KEY);\n");
    Path v2 = schema("v2", "CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE customers (id bigint);\n");
    Path v3 = schema("v3", "CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE customers (id bigint);\n"
        + "CREATE TABLE invoices (id bigint);\n");

    assertThat(run("history").out()).isEqualTo("no applies recorded\n");
    Result fresh = run("status", "--schema", v1.toString());
    assertThat(fresh.code()).isEqualTo(Main.CHANGES);
    assertThat(fresh.out()).startsWith("status: behind\n").contains("No apply is recorded", "missing table public.orders");

    assertThat(run("apply", "--schema", v1.toString(), "--auto-approve").code()).isZero();
    assertThat(state(v1)).isEqualTo("at_desired_state");
    assertThat(run("apply", "--schema", v2.toString(), "--auto-approve").code()).isZero();
    assertThat(state(v2)).isEqualTo("at_desired_state");
    assertThat(state(v3)).isEqualTo("behind");
    Result ahead = run("status", "--schema", v1.toString());
    assertThat(ahead.out()).startsWith("status: ahead\n").contains("around apply #1", "extra table public.customers");

    Result text = run("history");
    assertThat(text.code()).isZero();
    assertThat(text.out().lines().toList()).hasSize(2).allSatisfy(line -> assertThat(line)
        .containsPattern("^#[12]  \\d{4}-\\d\\d-\\d\\dT.*  applied  \\d+ steps?  by " + pg.user() + "@.* \\(127\\.0\\.0\\.1\\)  "
            + "sha256:[0-9a-f]{12} -> sha256:[0-9a-f]{12}  \\d+ ms$"));
    JsonNode entries = JsonAssertions.sortedJson(run("history", "--format", "json").out()).get("entries");
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).get("user").asText()).isEqualTo(pg.user());
    assertThat(entries.get(0).get("clientAddress").asText()).isEqualTo("127.0.0.1");
    assertThat(entries.get(0).get("clientHost").asText()).isNotBlank();
    assertThat(entries.get(0).get("outcome").asText()).isEqualTo("applied");
    assertThat(entries.get(0).get("durationMs").asLong()).isNotNegative();
    assertThat(entries.get(1).get("sourceHash")).isEqualTo(entries.get(0).get("resultHash"));

    Result plan = run("history", "--show-plan", "2");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("CREATE TABLE", "customers");
    assertThat(JsonAssertions.sortedJson(run("history", "--show-plan", "2", "--format", "json").out())
        .get("plan").get("steps")).isNotEmpty();
    Result missing = run("history", "--show-plan", "99");
    assertThat(missing.code()).isEqualTo(Main.ERROR);
    assertThat(missing.err()).contains("NOT_FOUND", "No history entry #99");

    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE orders ADD COLUMN emergency_fix_2024_01 text");
    }
    Result drifted = run("status", "--schema", v2.toString(), "--format", "json");
    assertThat(drifted.code()).isEqualTo(Main.CHANGES);
    JsonNode d = JsonAssertions.sortedJson(drifted.out());
    assertThat(d.get("state").asText()).isEqualTo("drifted");
    assertThat(d.get("lastApplied").get("id").asLong()).isEqualTo(2);
    assertThat(d.get("differences").toString()).contains("extra column public.orders.emergency_fix_2024_01");
    assertThat(d.get("explanation").asText()).contains("not what the last successful apply (#2");
  }

  @Test
  void changelogSaysWhatEachSuccessfulApplyChangedPerTable() throws Exception {
    Path v1 = schema("v1", "CREATE TABLE orders (id bigint PRIMARY KEY, is_verified boolean, amount int);\n");
    Path v2 = schema("v2", "CREATE TABLE orders (id bigint PRIMARY KEY, amount bigint, email_verified_at timestamptz);\n"
        + "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
        + "-- lockplane: on=orders.amount, deprecated, removeAfter=2020-01-31, reason=\"use total\"\n");
    assertThat(run("changelog").out()).isEqualTo("no applies recorded\n");
    assertThat(run("apply", "--schema", v1.toString(), "--auto-approve").code()).isZero();
    Result lossy = run("apply", "--schema", v2.toString(), "--auto-approve", "--allow-data-loss");
    assertThat(lossy.code()).as(lossy.err()).isZero();

    Result text = run("changelog");
    assertThat(text.code()).as(text.err()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).matches("#1  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC  by " + pg.user() + "@.+");
    assertThat(lines.get(1)).isEqualTo("  orders: created");
    assertThat(lines.get(2)).startsWith("#2  ");
    assertThat(lines.subList(3, 5)).containsExactlyInAnyOrder("  customers: created",
        "  orders: dropped is_verified, altered amount (type integer -> bigint), added email_verified_at");

    String markdown = run("changelog", "--format", "markdown").out();
    assertThat(markdown).startsWith("### Changelog\n\n#### ").contains("(#2, " + pg.user() + "@",
        "- **orders**: dropped is_verified, altered amount (type integer -> bigint), added email_verified_at\n");
    assertThat(markdown.indexOf("(#2,")).as("newest first").isLessThan(markdown.indexOf("(#1,"));
    JsonNode json = JsonAssertions.sortedJson(run("changelog", "--format", "json").out()).get("changelog");
    assertThat(json).hasSize(2);
    assertThat(json.get(1).get("historyId").asLong()).isEqualTo(2);
    assertThat(json.get(1).get("changes").toString()).contains("\"object\":\"customers\"", "added email_verified_at");

    // status lists the deprecated columns still there after their date.
    Result status = run("status", "--schema", v2.toString());
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).startsWith("status: at desired state").endsWith("deprecated columns past their removal "
        + "date:\n  public.orders.amount: deprecated, past its removal date 2020-01-31 (use total)\n");
    assertThat(JsonAssertions.sortedJson(run("status", "--schema", v2.toString(), "--format", "json").out())
        .get("pastRemovalDate").toString()).contains("public.orders.amount: deprecated");
  }
}
