package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup create --physical --url}: a server reached over the network. The full round trip
 * (BASE_BACKUP, restore) is tested in the backup library against PostgreSQL 15 and 18; here the command
 * line's part: options, credentials from the environment, and an incremental over replication.
 */
class BackupReplicationCommandTest {
  @TempDir Path tmp;

  @Test
  void anIncrementalOverReplication() throws Exception {
    String secret = "cli-inc-secret-17";
    try (LocalPostgres pg15 = LocalPostgres.builder().version(15).start()) {
      try (Connection c = pg15.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE cli_inc LOGIN REPLICATION PASSWORD '" + secret + "'");
        s.execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
      }
      String repo = tmp.resolve("repo").toString();
      String url = "postgres://127.0.0.1:" + pg15.port() + "/postgres";
      BackupCommandTest.Run full = BackupCommandTest.run(Map.of("PGPASSWORD", secret), "create", "--repo", repo,
          "--unencrypted", "--physical", "--url", url, "--user", "cli_inc");
      assertThat(full.code()).as(full.err()).isZero();
      String fullId = full.out().trim();
      try (Connection c = pg15.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("UPDATE t SET id = -id WHERE id <= 10");
      }
      BackupCommandTest.Run inc = BackupCommandTest.run(Map.of("PGPASSWORD", secret), "create", "--repo", repo,
          "--unencrypted", "--physical", "--url", url, "--user", "cli_inc", "--incremental");
      assertThat(inc.code()).as(inc.err()).isZero();
      assertThat(inc.err()).doesNotContain(secret);
      String incId = inc.out().trim();
      String list = BackupCommandTest.run("list", "--repo", repo).out();
      assertThat(list.lines().filter(l -> l.startsWith(incId)).findFirst().orElseThrow()).contains("incremental", fullId);
      assertThat(BackupCommandTest.run("show", "--repo", repo, "--format", "json", incId).out())
          .contains("\"method\" : \"file\"", "\"chain\" : [ \"" + fullId + "\" ]").doesNotContain(secret);
      assertThat(BackupCommandTest.run("verify", "--repo", repo, incId).code()).isZero();
    }
  }

  @Test
  void physicalUrlOptionsAreChecked() {
    String repo = tmp.resolve("repo").toString();
    BackupCommandTest.Run noPhysical = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--url", "postgres://h/db");
    assertThat(noPhysical.code()).isEqualTo(64);
    assertThat(noPhysical.err()).contains("give one source", "--physical --url URL");
    BackupCommandTest.Run both = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical",
        "--url", "postgres://h/db", "--pgdata", tmp.toString());
    assertThat(both.code()).isEqualTo(64);
    assertThat(both.err()).contains("not both");

  }
}
