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
  void aClientCertificateInTheUrlIsTheLoginOfEveryConnection() throws Exception {
    dev.lockplane.testing.TlsFiles files = dev.lockplane.testing.TlsFiles.make(tmp.resolve("tls"));
    try (LocalPostgres pg = LocalPostgres.builder().version(18).start()) {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE cli_cert LOGIN REPLICATION");
        s.execute("GRANT pg_read_all_data TO cli_cert");
        s.execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g");
      }
      Path hba = pg.dataDirectory().resolve("pg_hba.conf");
      java.nio.file.attribute.UserPrincipal owner = java.nio.file.Files.getOwner(hba);
      java.nio.file.Files.writeString(hba, "hostssl all cli_cert 127.0.0.1/32 cert\n"
          + "hostssl replication cli_cert 127.0.0.1/32 cert\n" + java.nio.file.Files.readString(hba));
      java.nio.file.Files.getFileAttributeView(hba, java.nio.file.attribute.PosixFileAttributeView.class).setOwner(owner);
      files.install(pg);
      dev.lockplane.testing.TlsFiles.Client client = files.client("cli_cert", true);
      String repo = tmp.resolve("repo").toString();
      String url = "postgres://localhost:" + pg.port() + "/postgres?sslmode=verify-full&sslrootcert=" + files.ca() + "&";
      // no password anywhere: the JDBC connections (the schema's hash among them) and the replication one use the certificate
      BackupCommandTest.Run created = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical",
          "--url", url + client.params(), "--user", "cli_cert");
      assertThat(created.code()).as(created.err()).isZero();
      String id = created.out().trim();
      assertThat(java.nio.file.Files.readString(tmp.resolve("repo/backups/" + id + "/manifest.json")))
          .contains("\"schemaHash.postgres\"");
      assertThat(BackupCommandTest.run("verify", "--repo", repo, id).code()).isZero();

      dev.lockplane.testing.TlsFiles.Client untrusted = files.client("cli_cert", false);
      BackupCommandTest.Run refused = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical",
          "--url", url + untrusted.params(), "--user", "cli_cert");
      assertThat(refused.code()).isNotZero();
      assertThat(refused.err()).contains("client certificate " + untrusted.cert()).doesNotContain("\tat ");
      BackupCommandTest.Run mismatched = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical",
          "--url", url + "sslcert=" + client.cert() + "&sslkey=" + untrusted.key(), "--user", "cli_cert");
      assertThat(mismatched.code()).isNotZero();
      assertThat(mismatched.err()).contains("does not belong to the certificate").doesNotContain("\tat ");
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
