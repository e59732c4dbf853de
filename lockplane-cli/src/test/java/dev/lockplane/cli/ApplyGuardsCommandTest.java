package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apply's guards on the command line: --allow-data-loss, the interrupted-run note, --lock-wait. */
class ApplyGuardsCommandTest {
  @TempDir Path tmp;

  private static long count(String url, String query) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void droppingATableWithRowsNeedsAllowDataLoss() throws Exception {
    String url = "jdbc:sqlite:" + tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (id INTEGER PRIMARY KEY)");
      s.execute("CREATE TABLE doomed (id INTEGER PRIMARY KEY)");
      s.execute("INSERT INTO doomed VALUES (1), (2), (3)");
    }
    Path schema = tmp.resolve("schema.sql");
    Files.writeString(schema, "CREATE TABLE kept (id INTEGER PRIMARY KEY);\n");

    Result refused = MainTest.run("apply", "--url", url, "--schema", schema.toString(), "--auto-approve");
    assertThat(refused.code()).isEqualTo(Main.ERROR);
    assertThat(refused.err()).contains("DATA_LOSS", "table main.doomed holds 3 rows", "--allow-data-loss");
    assertThat(count(url, "SELECT count(*) FROM doomed")).isEqualTo(3);

    Result allowed = MainTest.run("apply", "--url", url, "--schema", schema.toString(), "--auto-approve",
        "--allow-data-loss");
    assertThat(allowed.code()).as(allowed.err()).isZero();
    assertThat(allowed.out()).startsWith("Applied 1 step in ");
    assertThat(count(url, "SELECT count(*) FROM sqlite_master WHERE name = 'doomed'")).isZero();
  }

  @Test
  void aSuccessfulApplyPrintsTheInterruptedRunsItFound() throws Exception {
    String url = "jdbc:sqlite:" + tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE a (id INTEGER PRIMARY KEY)");
    }
    Path schema = tmp.resolve("schema.sql");
    Files.writeString(schema, "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (id INTEGER PRIMARY KEY);\n");
    assertThat(MainTest.run("apply", "--url", url, "--schema", schema.toString(), "--auto-approve").code()).isZero();
    // A run whose process died: SQLite's history keeps no backend, so any row still running is stale.
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("INSERT INTO lockplane_history (started_at, source_hash, target_hash, outcome, plan) "
          + "VALUES ('2026-01-02T03:04:05Z', 'sha256:aa', 'sha256:bb', 'running', '{}')");
    }
    Files.writeString(schema, "CREATE TABLE a (id INTEGER PRIMARY KEY);\n");
    Result r = MainTest.run("apply", "--url", url, "--schema", schema.toString(), "--auto-approve");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Applied 1 step", "Note: apply #2 (started 2026-01-02T03:04:05Z, plan sha256:aa -> "
        + "sha256:bb) was left 'running'", "now recorded as 'interrupted'");
  }

  @Test
  void lockWaitZeroFailsAtOnceNamingTheSessionThatHoldsTheApplyLock() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String db = "apply_guard_" + Long.toHexString(System.nanoTime());
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    }
    try (Connection holder = pg.connect(db); Statement s = holder.createStatement()) {
      s.execute("SET application_name = 'hotfix-by-hand'");
      s.execute("SELECT pg_advisory_lock(7813573191609901422)");
      long pid;
      try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getLong(1);
      }
      Path schema = tmp.resolve("schema.sql");
      Files.writeString(schema, "CREATE TABLE t (id int);\n");
      Path plan = tmp.resolve("plan.json");
      Result planned = MainTest.run("plan", "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password",
          pg.password(), "--scratch-url", pg.jdbcUrl("postgres"), "--schema", schema.toString(), "--out",
          plan.toString());
      assertThat(planned.code()).as(planned.err()).isEqualTo(Main.CHANGES);
      Result r = MainTest.run("apply", "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password", pg.password(),
          "--plan", plan.toString(), "--lock-wait", "0");
      assertThat(r.code()).isEqualTo(Main.ERROR);
      assertThat(r.err()).contains("IN_USE", "pid " + pid + ", user " + pg.user(),
          "application_name 'hotfix-by-hand'", "--lock-wait");
      s.execute("SELECT pg_advisory_unlock(7813573191609901422)");
      Result after = MainTest.run("apply", "--url", pg.jdbcUrl(db), "--user", pg.user(), "--password",
          pg.password(), "--plan", plan.toString(), "--lock-wait", "2s");
      assertThat(after.code()).as(after.err()).isZero();
    } finally {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }
}
