package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockplane.ErrorCode;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logical backups need a pg_dump of the server's major version. The machine's pg_dump is Debian's
 * 15, so these tests run against a PostgreSQL 15 server of their own.
 */
class LogicalBackupTest {
  static LocalPostgres pg15;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    pg15 = LocalPostgres.builder().version(15).start();
    assumeTrue(pg15.installation().tool("pg_dump").isPresent() || dev.lockplane.testing.Requirements.strict(),
        "needs pg_dump 15 (apt-get install postgresql-client-15)");
    TestData.createPostgres(pg15, "app", 2000);
  }

  @AfterAll
  static void stop() {
    if (pg15 != null) {
      pg15.close();
    }
  }

  private static Map<String, String> fingerprints(String db) throws Exception {
    try (Connection c = pg15.connect(db)) {
      return TestData.fingerprints(c);
    }
  }

  @Test
  void logicalBackupBecomesAGoldenForThinClones() throws Exception {
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    Backup b = repo.backup().logical(pg15, "app").run();
    try (RestoredClones yesterday = repo.restore(b.id()).intoClones(pg15)) {
      var a = yesterday.clones().create("look");
      var c = yesterday.clones().create("repair");
      try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
        s.execute("DELETE FROM audit.events");
      }
      try (Connection conn = a.dataSource().getConnection()) {
        assertThat(TestData.fingerprints(conn)).isEqualTo(fingerprints("app"));
      }
    }
    try (Connection c = pg15.connect("postgres");
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'lp_%'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("restored database and clones are gone").isZero();
    }
  }

  @Test
  void customFormatRoundTripWithDrillAndExtract() throws Exception {
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).partSize(64 * 1024).open();
    Backup b = repo.backup().logical(pg15, "app").tag("nightly").run();
    assertThat(b.kind()).isEqualTo(BackupKind.LOGICAL);
    assertThat(b.objects()).isGreaterThan(1);
    assertThat(b.rowCounts()).containsEntry("app.public.accounts", 2000L).containsEntry("app.audit.events", 6000L)
        .containsEntry("app.public.empty_table", 0L);
    assertThat(b.serverVersion()).startsWith("15.");

    repo.restore(b.id()).intoDatabase(pg15, "app_restored");
    assertThat(fingerprints("app_restored")).isEqualTo(fingerprints("app"));

    assertThatThrownBy(() -> repo.restore(b.id()).intoDatabase(pg15, "app_restored"))
        .isInstanceOf(BackupException.class).hasMessageContaining("already has tables");
    try (Connection c = pg15.connect("app_restored"); Statement s = c.createStatement()) {
      s.execute("DELETE FROM audit.events");
    }
    repo.restore(b.id()).overwrite(true).intoDatabase(pg15, "app_restored");
    assertThat(fingerprints("app_restored")).isEqualTo(fingerprints("app"));

    VerifyReport drill = repo.verify(b.id(), VerifyDepth.DRILL, 100, pg15, ProgressListener.NONE);
    assertThat(drill.problems()).isEmpty();

    StringWriter inserts = new StringWriter();
    long n = repo.extract(b.id(), "public.accounts").where("id IN (7, 8)").using(pg15).to(inserts);
    assertThat(n).isEqualTo(2);
    assertThat(inserts.toString()).isEqualTo(
        "INSERT INTO public.accounts (id, name, balance) VALUES (7, 'user 7 ''q'', \"x\"', 10.50);\n"
            + "INSERT INTO public.accounts (id, name, balance) VALUES (8, 'user 8 ''q'', \"x\"', 12.00);\n");
    // the INSERTs put lost rows back
    try (Connection c = pg15.connect("app_restored"); Statement s = c.createStatement()) {
      s.execute("DELETE FROM audit.events WHERE account IN (7, 8)");
      s.execute("DELETE FROM accounts WHERE id IN (7, 8)");
      s.execute(inserts.toString());
    }
    try (Connection c = pg15.connect("app_restored"); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM accounts")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(2000);
    }
  }

  @Test
  void directoryFormatWithParallelJobs() throws Exception {
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    Backup b = repo.backup().logical(pg15, "app", 2).run();
    assertThat(repo.manifestJson(b.id())).contains("\"format\" : \"directory\"", "dump/app.dir/toc.dat");
    repo.restore(b.id()).intoDatabase(pg15, "app_from_dir");
    assertThat(fingerprints("app_from_dir")).isEqualTo(fingerprints("app"));
    assertThat(repo.verify(b.id(), VerifyDepth.DATA).ok()).isTrue();
  }

  @Test
  void noPgDumpOfTheServersMajorIsAClearError() {
    LocalPostgres pg18 = SharedPostgres.get();
    assumeTrue(pg18.installation().tool("pg_dump").isEmpty(), "this machine has a pg_dump " + pg18.majorVersion());
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    assertThatThrownBy(() -> repo.backup().logical(pg18, "postgres").run())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("No pg_dump for PostgreSQL " + pg18.majorVersion())
        .hasMessageContaining("postgresql-client-" + pg18.majorVersion())
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.BINARIES_NOT_FOUND));
    assertThat(repo.list()).isEmpty();
  }
}
