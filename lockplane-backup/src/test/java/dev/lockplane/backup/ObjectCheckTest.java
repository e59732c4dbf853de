package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checking that a backup's objects are stored with their sizes (before its manifest is written, and
 * by verify) lists each backup's data once rather than asking for every object on its own (on S3 a
 * request each); a listing that does not show an object yet (some S3-compatible servers list a
 * moment behind their writes) costs a question for that object, never a false report.
 */
class ObjectCheckTest {
  @TempDir Path tmp;

  /** A directory whose listing can be made to lag, counting what is asked of it. */
  static final class Observed implements BackupStorage {
    final BackupStorage inner;
    final AtomicInteger sizes = new AtomicInteger();
    final AtomicInteger listings = new AtomicInteger();
    final AtomicInteger manifestsRead = new AtomicInteger();
    volatile boolean lagging;

    Observed(Path root) {
      this.inner = BackupStorage.localDirectory(root);
    }

    @Override
    public OutputStream create(String key) throws IOException {
      return inner.create(key);
    }

    @Override
    public InputStream open(String key) throws IOException {
      if (key.endsWith("/manifest.json")) {
        manifestsRead.incrementAndGet();
      }
      return inner.open(key);
    }

    @Override
    public long size(String key) throws IOException {
      sizes.incrementAndGet();
      return inner.size(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
      return inner.list(prefix);
    }

    @Override
    public Map<String, Long> sizes(String prefix) throws IOException {
      listings.incrementAndGet();
      return lagging ? Map.of() : inner.sizes(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
      inner.delete(key);
    }

    @Override
    public String describe() {
      return "observed " + inner.describe();
    }
  }

  private Path database() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 4000);
    return db;
  }

  @Test
  void eachBackupsObjectsAreCheckedFromOneListing() throws Exception {
    Path db = database();
    Observed storage = new Observed(tmp.resolve("repo"));
    BackupRepository repo = BackupRepository.on(storage).encryptWith(Keyset.generate()).partSize(64 * 1024).open();
    Backup b = repo.backup().sqlite(db).run();
    assertThat(b.objects()).isGreaterThan(5);
    assertThat(storage.sizes).as("objects asked for one by one while backing up").hasValue(0);
    assertThat(storage.listings).hasValue(1);

    VerifyReport report = repo.verify(b.id(), VerifyDepth.STRUCTURE);
    assertThat(report.problems()).isEmpty();
    assertThat(storage.sizes).as("objects asked for one by one while verifying").hasValue(0);
    assertThat(storage.listings).hasValue(2);
  }

  @Test
  void aListingThatLagsCostsAQuestionPerObjectNotAFalseReport() throws Exception {
    Path db = database();
    Observed storage = new Observed(tmp.resolve("repo"));
    storage.lagging = true;
    BackupRepository repo = BackupRepository.on(storage).unencrypted().partSize(64 * 1024).open();
    Backup b = repo.backup().sqlite(db).run();
    assertThat(storage.sizes.get()).isGreaterThanOrEqualTo(b.objects());
    assertThat(repo.verify(b.id(), VerifyDepth.STRUCTURE).problems()).isEmpty();

    // damage found through the listing is confirmed object by object, and named
    storage.lagging = false;
    List<Path> data;
    try (Stream<Path> s = Files.list(tmp.resolve("repo/backups/" + b.id() + "/data"))) {
      data = s.sorted().toList();
    }
    Files.delete(data.get(0));
    Files.write(data.get(1), new byte[] {1, 2, 3});
    VerifyReport report = repo.verify(b.id(), VerifyDepth.STRUCTURE);
    assertThat(report.problems()).extracting(VerifyReport.Problem::message)
        .contains("missing")
        .anySatisfy(m -> assertThat(m).startsWith("stored size is 3 bytes").endsWith("(truncated)"));
    assertThat(report.problems()).extracting(VerifyReport.Problem::object)
        .contains("backups/" + b.id() + "/data/" + data.get(0).getFileName(),
            "backups/" + b.id() + "/data/" + data.get(1).getFileName());
  }
}
