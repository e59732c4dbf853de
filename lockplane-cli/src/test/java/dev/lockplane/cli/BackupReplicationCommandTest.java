package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup create --physical --url}: a server reached over the network. The full round trip
 * (pg_basebackup, restore) is tested in the backup library against PostgreSQL 15; here the command
 * line's part: options, credentials from the environment, and the error for a server whose
 * pg_basebackup is missing.
 */
class BackupReplicationCommandTest {
  @TempDir Path tmp;

  @Test
  void physicalUrlOptionsAndAMissingToolAreReported() throws Exception {
    String repo = tmp.resolve("repo").toString();
    BackupCommandTest.Run noPhysical = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--url", "postgres://h/db");
    assertThat(noPhysical.code()).isEqualTo(64);
    assertThat(noPhysical.err()).contains("give one source", "--physical --url URL");
    BackupCommandTest.Run both = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical",
        "--url", "postgres://h/db", "--pgdata", tmp.toString());
    assertThat(both.code()).isEqualTo(64);
    assertThat(both.err()).contains("not both");

    LocalPostgres pg = SharedPostgres.get();
    assumeTrue(!Files.exists(Path.of("/usr/lib/postgresql/" + pg.majorVersion() + "/bin/pg_basebackup")),
        "this machine has pg_basebackup " + pg.majorVersion());
    String secret = "cli-repl-secret-42";
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP ROLE IF EXISTS cli_repl");
      s.execute("CREATE ROLE cli_repl LOGIN REPLICATION PASSWORD '" + secret + "'");
    }
    BackupCommandTest.Run missing = BackupCommandTest.run(Map.of("PGPASSWORD", secret), "create", "--repo", repo, "--unencrypted",
        "--physical", "--url", "postgres://cli_repl@127.0.0.1:" + pg.port() + "/postgres");
    assertThat(missing.code()).as(missing.err()).isEqualTo(1);
    assertThat(missing.err()).contains("BINARIES_NOT_FOUND", "No pg_basebackup for PostgreSQL " + pg.majorVersion(),
        "127.0.0.1:" + pg.port()).doesNotContain(secret);
  }
}
