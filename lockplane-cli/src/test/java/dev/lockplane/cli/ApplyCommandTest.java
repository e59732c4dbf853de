package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apply and rollback on real SQLite files: confirmation, --auto-approve, and JSON results. */
class ApplyCommandTest {
  @TempDir Path tmp;
  Path db;
  Path schema;

  @BeforeEach
  void files() throws Exception {
    db = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.createStatement().execute("CREATE TABLE existing (id INTEGER PRIMARY KEY)");
    }
    schema = tmp.resolve("schema.sql");
    Files.writeString(schema, "CREATE TABLE existing (id INTEGER PRIMARY KEY);\n"
        + "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n");
  }

  private boolean hasAccounts() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'accounts'")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }

  private Result apply(String stdin, boolean terminal, String... extra) {
    String[] args = new String[4 + extra.length];
    System.arraycopy(new String[] {"apply", "--url", "jdbc:sqlite:" + db, "--schema=" + schema}, 0, args, 0, 4);
    System.arraycopy(extra, 0, args, 4, extra.length);
    return MainTest.run(Map.of(), stdin, terminal, args);
  }

  @Test
  void withoutATerminalApplySchemaNeedsAutoApprove() throws Exception {
    Result r = apply("y\n", false);
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("no terminal to ask on", "--auto-approve", "--plan FILE");
    assertThat(hasAccounts()).isFalse();

    Result approved = apply("", false, "--auto-approve", "--format", "json");
    assertThat(approved.code()).as(approved.err()).isZero();
    JsonNode json = JsonAssertions.sortedJson(approved.out());
    assertThat(json.get("command").asText()).isEqualTo("apply");
    assertThat(json.get("status").asText()).isEqualTo("applied");
    assertThat(json.get("stepsApplied").asInt()).isPositive();
    assertThat(json.get("resultHash").asText()).isNotEmpty();
    assertThat(hasAccounts()).isTrue();

    Result again = apply("", false, "--auto-approve", "--format", "json");
    assertThat(again.code()).isZero();
    assertThat(JsonAssertions.sortedJson(again.out()).get("status").asText()).isEqualTo("nothing to apply");
  }

  @Test
  void onATerminalThePlanIsShownAndConfirmed() throws Exception {
    Result no = apply("n\n", true);
    assertThat(no.code()).isEqualTo(Main.ERROR);
    assertThat(no.out()).contains("accounts").containsPattern("Apply \\d+ steps? to " + java.util.regex.Pattern.quote(db.toString())
        + "\\? \\[y/N\\] ");
    assertThat(no.err()).contains("Not applied");
    assertThat(hasAccounts()).isFalse();

    Result eof = apply("", true);
    assertThat(eof.code()).isEqualTo(Main.ERROR);
    assertThat(hasAccounts()).isFalse();

    Result yes = apply("y\n", true);
    assertThat(yes.code()).as(yes.err()).isZero();
    assertThat(yes.out()).contains("[y/N]", "Applied ");
    assertThat(hasAccounts()).isTrue();
  }

  @Test
  void planFileAppliedAndRolledBackWithJsonResults() throws Exception {
    Path plan = tmp.resolve("plan.json");
    String url = "jdbc:sqlite:" + db;
    Result planned = MainTest.run("plan", "--url", url, "--schema", schema.toString(), "--out", plan.toString());
    assertThat(planned.code()).as(planned.err()).isEqualTo(Main.CHANGES);
    assertThat(planned.err()).contains("wrote the plan to " + plan);
    assertThat(MainTest.run("plan", "-q", "--url", url, "--schema", schema.toString(), "--out", plan.toString()).err()).isEmpty();

    Result applied = MainTest.run("apply", "--url", url, "--plan", plan.toString(), "--format", "json");
    assertThat(applied.code()).as(applied.err()).isZero();
    JsonNode a = JsonAssertions.sortedJson(applied.out());
    assertThat(a.get("status").asText()).isEqualTo("applied");
    assertThat(a.get("historyId").asLong()).isPositive();
    assertThat(hasAccounts()).isTrue();

    Result rolledBack = MainTest.run("rollback", "--url", url, "--plan", plan.toString(), "--format", "json", "-v");
    assertThat(rolledBack.code()).as(rolledBack.err()).isZero();
    JsonNode r = JsonAssertions.sortedJson(rolledBack.out());
    assertThat(r.get("command").asText()).isEqualTo("rollback");
    assertThat(r.get("status").asText()).isEqualTo("applied");
    assertThat(r.get("sourceHash").asText()).isEqualTo(a.get("resultHash").asText());
    assertThat(rolledBack.err()).contains("step 1/");
    assertThat(hasAccounts()).isFalse();
  }
}
