package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteBackupTest {
  @TempDir Path tmp;

  @Test
  void roundTripWhileAnotherConnectionWrites() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 3000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
    }
    Map<String, String> before = TestData.sqliteFingerprints(db);

    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate())
        .compression(Compression.gzip()).partSize(64 * 1024).open();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong writes = new AtomicLong();
    Thread writer = new Thread(() -> {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=5000");
        while (!stop.get()) {
          s.execute("INSERT INTO tags VALUES (1, 'concurrent')");
          writes.incrementAndGet();
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Backup b;
    writer.start();
    try {
      b = repo.backup().sqlite(db).tag("with-writer").run();
    } finally {
      stop.set(true);
      writer.join();
    }
    assertThat(writes.get()).isPositive();
    assertThat(b.kind()).isEqualTo(BackupKind.SQLITE);
    assertThat(b.objects()).isGreaterThan(1);
    assertThat(b.rowCounts()).containsEntry("main.notes", 3000L);
    long tagsAtBackup = b.rowCounts().get("main.tags");
    assertThat(tagsAtBackup).isBetween(3000L, 3000L + writes.get());
    assertThat(repo.manifestJson(b.id())).contains("\"algorithm\" : \"gzip\"");

    Path restored = repo.restore(b.id()).toFile(tmp.resolve("restored.db"));
    Map<String, String> after = TestData.sqliteFingerprints(restored);
    assertThat(after.get("notes")).isEqualTo(before.get("notes"));
    assertThat(after.get("tags")).startsWith(tagsAtBackup + ":");

    assertThatThrownBy(() -> repo.restore(b.id()).toFile(restored)).hasMessageContaining("exists");
    assertThat(repo.verify(b.id(), VerifyDepth.DRILL).problems()).isEmpty();

    StringWriter csv = new StringWriter();
    assertThat(repo.extract(b.id(), "notes").where("id = 2").format(ExtractFormat.CSV).to(csv)).isEqualTo(1);
    assertThat(csv.toString()).startsWith("id,title,body\n2,\"note, \"\"2\"\"\",body 2 ");

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("DELETE FROM notes WHERE id > 2990");
      CompareReport cmp = repo.compare(b.id(), c, null);
      assertThat(cmp.rowCounts()).extracting(CompareReport.RowCountDifference::table).contains("main.notes");
      assertThat(cmp.rowCounts().stream().filter(d -> d.table().equals("main.notes")).findFirst().orElseThrow().live()).isEqualTo(2990);
    }
    assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().contains("lockplane-restore")).count()).isZero();
  }
}
