package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhysicalBackupTest {
  @TempDir Path tmp;

  @Test
  void physicalBackupBecomesAGoldenForThinClones() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    TestData.createPostgres(pg, "phys_clones", 300);
    Map<String, String> before;
    try (Connection c = pg.connect("phys_clones")) {
      before = TestData.fingerprints(c);
    }
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    Backup b = repo.backup().physical(pg).run();
    try (Connection c = pg.connect("phys_clones"); Statement s = c.createStatement()) {
      s.execute("DROP TABLE accounts CASCADE"); // the incident
    }
    assertThatThrownBy(() -> repo.restore(b.id()).intoClones("no_such_db"))
        .isInstanceOf(BackupException.class).hasMessageContaining("holds no database 'no_such_db'");
    try (RestoredClones yesterday = repo.restore(b.id()).intoClones("phys_clones")) {
      var a = yesterday.clones().create("investigate");
      var c = yesterday.clones().create("try-repair");
      try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
        s.execute("TRUNCATE accounts CASCADE");
      }
      try (Connection conn = a.dataSource().getConnection()) {
        assertThat(TestData.fingerprints(conn)).isEqualTo(before);
      }
    }
  }

  @Test
  void physicalBackupRestoresToAServerWithTheSameContent() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    TestData.createPostgres(pg, "phys_app", 500);
    Map<String, String> before;
    try (Connection c = pg.connect("phys_app")) {
      before = TestData.fingerprints(c);
    }
    Keyset keys = Keyset.generate();
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(keys).partSize(1 << 20).open();
    List<Progress> seen = new ArrayList<>();
    Backup b = repo.backup().physical(pg).tag("pre-migration").progress(seen::add).run();

    assertThat(b.kind()).isEqualTo(BackupKind.PHYSICAL);
    assertThat(b.tags()).containsExactly("pre-migration");
    assertThat(b.databases()).contains("phys_app");
    assertThat(b.rowCounts()).containsEntry("phys_app.public.accounts", 500L).containsEntry("phys_app.audit.events", 1500L);
    assertThat(b.keyId()).isEqualTo(Integer.toUnsignedLong(keys.primaryKeyId()));
    assertThat(b.storedSize()).isLessThan(b.size());
    assertThat(seen).extracting(Progress::phase).contains(Progress.Phase.COPYING, Progress.Phase.WAL, Progress.Phase.DONE);
    assertThat(seen.stream().filter(p -> p.phase() == Progress.Phase.COPYING).mapToLong(Progress::bytesDone).max().orElse(0))
        .isPositive();
    assertThat(repo.list()).extracting(Backup::id).containsExactly(b.id());

    String manifest = repo.manifestJson(b.id());
    assertThat(manifest).contains("\"startWal\"", "\"stopWal\"", "\"timeline\"", "\"systemIdentifier\"", "backup_label", "pg_wal/");
    assertThat(manifest).doesNotContain(keys.toJson(null).substring(20, 60));

    VerifyReport data = repo.verify(b.id(), VerifyDepth.DATA);
    assertThat(data.problems()).isEmpty();
    assertThat(data.plaintextChecked()).isTrue();
    assertThat(repo.show(b.id()).lastVerified()).isPresent();

    try (RestoredServer restored = repo.restore(b.id()).asServer();
        Connection c = restored.server().connect("phys_app")) {
      assertThat(TestData.fingerprints(c)).isEqualTo(before);
      assertThat(restored.server().port()).isNotEqualTo(pg.port());
    }

    VerifyReport drill = repo.verify(b.id(), VerifyDepth.DRILL);
    assertThat(drill.problems()).isEmpty();

    // the live database moves on; compare shows how
    try (Connection c = pg.connect("phys_app"); Statement s = c.createStatement()) {
      s.execute("DELETE FROM audit.events WHERE id <= 10");
      s.execute("ALTER TABLE accounts ADD COLUMN email text");
      s.execute("CREATE TABLE newer (x int)");
      CompareReport cmp = repo.compare(b.id(), c, "phys_app");
      assertThat(cmp.rowCounts()).containsExactly(new CompareReport.RowCountDifference("audit.events", 1500, 1490));
      assertThat(cmp.columnChanges()).extracting(CompareReport.ColumnDifference::table).containsExactly("public.accounts");
      assertThat(cmp.onlyLive()).containsExactly("public.newer");
      assertThat(cmp.same()).isFalse();
    }

    StringWriter csv = new StringWriter();
    long n = repo.extract(b.id(), "public.accounts").database("phys_app").where("id <= 3").format(ExtractFormat.CSV).to(csv);
    assertThat(n).isEqualTo(3);
    assertThat(csv.toString()).startsWith("id,name,balance\n1,\"user 1 'q', \"\"x\"\"\",1.50\n");
  }

  /**
   * A physical backup taken without row counts: every table recorded with its columns and -1 rows; a
   * drill and compare check tables and columns only; a logical backup refuses the option.
   */
  @Test
  void aBackupWithoutRowCountsChecksTablesAndColumnsOnly() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    TestData.createPostgres(pg, "phys_nocount", 200);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo-nocount")).unencrypted().open();
    Backup b = repo.backup().physical(pg).withoutRowCounts().run();
    assertThat(b.rowCounts()).containsEntry("phys_nocount.public.accounts", -1L).containsEntry("phys_nocount.audit.events", -1L)
        .allSatisfy((table, rows) -> assertThat(rows).isEqualTo(-1L));
    assertThat(repo.verify(b.id(), VerifyDepth.DRILL).problems()).isEmpty();
    try (Connection c = pg.connect("phys_nocount"); Statement s = c.createStatement()) {
      s.execute("DELETE FROM audit.events WHERE id <= 10");
      assertThat(repo.compare(b.id(), c, "phys_nocount").same()).as("row counts are not compared").isTrue();
      s.execute("ALTER TABLE accounts ADD COLUMN email text");
      assertThat(repo.compare(b.id(), c, "phys_nocount").columnChanges())
          .extracting(CompareReport.ColumnDifference::table).containsExactly("public.accounts");
    }
    assertThatThrownBy(() -> repo.backup().logical(pg, "phys_nocount").withoutRowCounts().run())
        .hasMessageContaining("withoutRowCounts() applies to physical backups");
    assertThat(repo.list()).extracting(Backup::id).containsExactly(b.id());
  }

  @Test
  void restoreToANonEmptyDirectoryIsRefusedUnlessAllowed() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    Backup b = repo.backup().physical(pg).run();
    Path target = tmp.resolve("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("precious.txt"), "keep me");
    assertThatThrownBy(() -> repo.restore(b.id()).toDirectory(target))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is not empty")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThat(Files.readString(target.resolve("precious.txt"))).isEqualTo("keep me");

    repo.restore(b.id()).overwrite(true).toDirectory(target);
    assertThat(target.resolve("precious.txt")).doesNotExist();
    assertThat(target.resolve("PG_VERSION")).exists();
    assertThat(target.resolve("backup_label")).exists();
  }
}
