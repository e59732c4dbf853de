package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.ManifestCodec;
import dev.lockplane.internal.backup.StoredObject;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage to stored bytes, the manifest, or the keys is detected, named, and never restored as data. */
class CorruptionTest {
  @TempDir Path tmp;
  Keyset keys;
  BackupRepository repo;
  Backup backup;
  Path repoDir;

  @BeforeEach
  void backup() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 2000);
    keys = Keyset.generate();
    repoDir = tmp.resolve("repo");
    repo = BackupRepository.at(repoDir).encryptWith(keys).partSize(64 * 1024).open();
    backup = repo.backup().sqlite(db).run();
    assertThat(backup.objects()).isGreaterThan(3);
  }

  private List<Path> storedFiles() throws Exception {
    try (Stream<Path> s = Files.walk(repoDir.resolve("backups").resolve(backup.id()))) {
      return s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/verified/")).sorted().toList();
    }
  }

  private static void flip(Path file, long pos) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(pos);
      int b = f.read();
      f.seek(pos);
      f.write(b ^ 0xFF);
    }
  }

  @Test
  void anySingleFlippedByteIsFoundAndNamed() throws Exception {
    Random random = new Random(42);
    List<Path> files = storedFiles();
    assertThat(files).hasSize(backup.objects() + 2);
    for (Path file : files) {
      String key = repoDir.relativize(file).toString();
      // three places per object: the first byte (header), a random one, the last byte (final tag)
      long size = Files.size(file);
      for (long pos : new long[] {0, 1 + (long) (random.nextDouble() * (size - 2)), size - 1}) {
        flip(file, pos);
        VerifyReport r = repo.verify(backup.id(), VerifyDepth.DATA);
        assertThat(r.ok()).as("flip at %d of %s", pos, key).isFalse();
        assertThat(r.problems()).as("flip at %d of %s", pos, key).extracting(VerifyReport.Problem::object).containsExactly(key);
        flip(file, pos);
      }
    }
    assertThat(repo.verify(backup.id(), VerifyDepth.DATA).ok()).isTrue();
  }

  @Test
  void aRestoreRefusesAnyAlteredObjectWithoutHashingItsStoredBytes() throws Exception {
    // a restore leaves the stored bytes' SHA-256 to the AEAD: every change must still stop it, named
    Random random = new Random(7);
    List<Path> data = storedFiles().stream().filter(p -> p.toString().contains("/data/")).toList();
    assertThat(data).hasSize(backup.objects());
    int attempt = 0;
    for (Path file : data) {
      String key = repoDir.relativize(file).toString();
      long size = Files.size(file);
      for (long pos : new long[] {0, 1 + (long) (random.nextDouble() * (size - 2)), size - 1, size}) {
        if (pos == size) {
          Files.write(file, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        } else {
          flip(file, pos);
        }
        Path target = tmp.resolve("restored-" + attempt++);
        assertThatThrownBy(() -> repo.restore(backup.id()).toDirectory(target))
            .as("change at %d of %s", pos, key)
            .isInstanceOf(BackupException.class)
            .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CORRUPTED))
            .satisfies(e -> assertThat(((BackupException) e).objectKey()).contains(key));
        assertThat(target).doesNotExist();
        if (pos == size) {
          try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
          }
        } else {
          flip(file, pos);
        }
      }
    }
    Path target = tmp.resolve("restored-intact");
    repo.restore(backup.id()).toDirectory(target);
    assertThat(target).isNotEmptyDirectory();
  }

  @Test
  void aSampledVerifyReadsADeterministicShareAndIsNotRecordedAsFull() {
    VerifyReport sample = repo.verify(backup.id(), VerifyDepth.DATA, 30, null, ProgressListener.NONE);
    assertThat(sample.ok()).isTrue();
    assertThat(sample.objectsChecked()).isPositive().isLessThan(backup.objects());
    assertThat(repo.verify(backup.id(), VerifyDepth.DATA, 30, null, ProgressListener.NONE).objectsChecked())
        .isEqualTo(sample.objectsChecked());
    assertThat(repo.show(backup.id()).lastVerified()).isEmpty();
    assertThat(repo.verify(backup.id(), VerifyDepth.DATA).objectsChecked()).isEqualTo(backup.objects());
    assertThat(repo.show(backup.id()).lastVerified()).isPresent();
  }

  @Test
  void aFlipIsCaughtWithoutTheKeyToo() throws Exception {
    BackupRepository keyless = BackupRepository.at(repoDir).unencrypted().open();
    Path victim = storedFiles().get(1);
    flip(victim, Files.size(victim) / 2);
    VerifyReport r = keyless.verify(backup.id(), VerifyDepth.DATA);
    assertThat(r.plaintextChecked()).isFalse();
    assertThat(r.problems()).extracting(VerifyReport.Problem::object).containsExactly(repoDir.relativize(victim).toString());
  }

  @Test
  void aTruncatedObjectIsDetectedAndNotRestored() throws Exception {
    Path victim = storedFiles().get(2);
    long size = Files.size(victim);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.setLength(size - 100);
    }
    VerifyReport structure = repo.verify(backup.id(), VerifyDepth.STRUCTURE);
    assertThat(structure.problems()).singleElement().satisfies(p -> {
      assertThat(p.object()).isEqualTo(repoDir.relativize(victim).toString());
      assertThat(p.message()).contains("truncated");
    });
    Path target = tmp.resolve("restored");
    assertThatThrownBy(() -> repo.restore(backup.id()).toDirectory(target))
        .isInstanceOf(BackupException.class)
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CORRUPTED))
        .satisfies(e -> assertThat(((BackupException) e).objectKey()).contains(repoDir.relativize(victim).toString()));
    assertThat(target).doesNotExist();
  }

  @Test
  void aDamagedManifestIsNamedAndTheCopyStillServes() throws Exception {
    Path manifest = repoDir.resolve("backups").resolve(backup.id()).resolve("manifest.json");
    flip(manifest, Files.size(manifest) / 2);
    VerifyReport r = repo.verify(backup.id(), VerifyDepth.DATA);
    assertThat(r.problems()).extracting(VerifyReport.Problem::object).containsExactly("backups/" + backup.id() + "/manifest.json");
    assertThat(repo.list()).extracting(Backup::id).containsExactly(backup.id());
  }

  @Test
  void aWrongKeyIsAClearErrorAndWritesNothing() throws Exception {
    BackupRepository other = BackupRepository.at(repoDir).encryptWith(Keyset.generate()).open();
    Path target = tmp.resolve("restored.db");
    assertThatThrownBy(() -> other.restore(backup.id()).toFile(target))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("no key of the keyset decrypts it")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE));
    assertThat(target).doesNotExist();
    assertThat(target.resolveSibling("restored.db.lockplane-restore")).doesNotExist();
    assertThatThrownBy(() -> other.verify(backup.id(), VerifyDepth.DATA))
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE));

    BackupRepository none = BackupRepository.at(repoDir).unencrypted().open();
    assertThatThrownBy(() -> none.restore(backup.id()).toDirectory(tmp.resolve("dir")))
        .hasMessageContaining("opened without a keyset")
        .hasMessageContaining("key " + Integer.toUnsignedString(keys.primaryKeyId()))
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE));
    assertThat(tmp.resolve("dir")).doesNotExist();
  }

  @Test
  void swappedObjectsFailAuthentication() throws Exception {
    List<Path> files = storedFiles().stream().filter(p -> p.toString().contains("/data/")).toList();
    byte[] a = Files.readAllBytes(files.get(0));
    byte[] b = Files.readAllBytes(files.get(1));
    Files.write(files.get(0), b);
    Files.write(files.get(1), a);
    VerifyReport r = repo.verify(backup.id(), VerifyDepth.DATA);
    assertThat(r.problems()).extracting(VerifyReport.Problem::object)
        .containsExactly(repoDir.relativize(files.get(0)).toString(), repoDir.relativize(files.get(1)).toString());
  }

  @Test
  void manifestPathsEscapingTheTargetAreRefused() throws Exception {
    // a manifest with a valid checksum (as an attacker with write access could produce) naming ../
    Path dir = repoDir.resolve("backups").resolve(backup.id());
    Manifest m = ManifestCodec.decode(Files.readAllBytes(dir.resolve("manifest.json")));
    List<Manifest.FileEntry> files = new ArrayList<>(m.files());
    Manifest.FileEntry first = files.get(0);
    files.set(0, new Manifest.FileEntry("../../escaped.db", first.size(), first.parts()));
    Manifest evil = new Manifest(m.formatVersion(), m.id(), m.kind(), m.engine(), m.serverVersion(), m.serverMajor(),
        m.databases(), m.systemIdentifier(), m.startTime(), m.stopTime(), m.startWal(), m.stopWal(), m.timeline(),
        m.parent(), m.compression(), m.encryption(), m.tags(), m.attributes(), m.directories(), files, m.tables());
    Files.write(dir.resolve("manifest.json"), ManifestCodec.encode(evil));
    Path target = tmp.resolve("a").resolve("b");
    assertThatThrownBy(() -> repo.restore(backup.id()).toDirectory(target))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("escapes the restore target");
    assertThat(target).doesNotExist();
    assertThat(tmp.resolve("escaped.db")).doesNotExist();
    StoredObject unused = first.parts().get(0);
    assertThat(unused.key()).startsWith("backups/");
  }

  private byte[] original;

  private void forge(java.util.function.UnaryOperator<StoredObject> change) throws Exception {
    Path dir = repoDir.resolve("backups").resolve(backup.id());
    if (original == null) {
      original = Files.readAllBytes(dir.resolve("manifest.json"));
    }
    Manifest m = ManifestCodec.decode(original);
    List<Manifest.FileEntry> files = new ArrayList<>();
    for (Manifest.FileEntry f : m.files()) {
      List<StoredObject> parts = new ArrayList<>(f.parts());
      parts.set(0, change.apply(parts.get(0)));
      files.add(new Manifest.FileEntry(f.path(), f.size(), parts, f.mode()));
    }
    Manifest evil = new Manifest(m.formatVersion(), m.id(), m.kind(), m.engine(), m.serverVersion(), m.serverMajor(),
        m.databases(), m.systemIdentifier(), m.startTime(), m.stopTime(), m.startWal(), m.stopWal(), m.timeline(),
        m.parent(), m.compression(), m.encryption(), m.tags(), m.attributes(), m.directories(), files, m.tables());
    // an attacker with write access rewrites both manifests, with valid checksums
    for (String name : List.of("manifest.json", "manifest.copy.json")) {
      Files.delete(dir.resolve(name));
      Files.write(dir.resolve(name), ManifestCodec.encode(evil));
    }
  }

  @Test
  void objectKeysEscapingTheBackupAreReportedAsCorruptionEverywhere() throws Exception {
    for (String key : List.of("backups/../../outside", "/etc/passwd", "backups/" + backup.id() + "/data/../../x",
        "backups/20000101T000000Z-abcdef/data/0000001")) {
      forge(o -> new StoredObject(key, o.size(), o.storedSize(), o.sha256(), o.storedSha256()));
      java.util.function.Consumer<Throwable> corruption = e -> {
        assertThat(e).isInstanceOf(BackupException.class).hasMessageContaining(backup.id()).hasMessageContaining(key);
        assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CORRUPTED);
        assertThat(((BackupException) e).backupId()).contains(backup.id());
        assertThat(((BackupException) e).objectKey()).contains(key);
      };
      assertThatThrownBy(() -> repo.verify(backup.id(), VerifyDepth.STRUCTURE)).satisfies(corruption);
      assertThatThrownBy(() -> repo.verify(backup.id(), VerifyDepth.DATA)).satisfies(corruption);
      assertThatThrownBy(() -> repo.restore(backup.id()).toFile(tmp.resolve("r.db"))).satisfies(corruption);
      assertThatThrownBy(() -> repo.show(backup.id())).satisfies(corruption);
      assertThat(tmp.resolve("r.db")).doesNotExist();

      List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.logging.Handler h = new java.util.logging.Handler() {
        @Override public void publish(java.util.logging.LogRecord r) { records.add(r); }
        @Override public void flush() {}
        @Override public void close() {}
      };
      java.util.logging.Logger.getLogger("").addHandler(h);
      try {
        assertThat(repo.list()).isEmpty();
      } finally {
        java.util.logging.Logger.getLogger("").removeHandler(h);
      }
      assertThat(records).extracting(java.util.logging.LogRecord::getMessage)
          .anySatisfy(m -> assertThat(m).contains(backup.id()).contains("CORRUPTED").contains(key));
    }
  }
}
