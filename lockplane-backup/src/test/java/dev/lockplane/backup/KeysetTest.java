package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.ManifestCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysetTest {
  @TempDir Path tmp;

  @Test
  void passphraseProtectedKeysetRoundTrips() throws Exception {
    Keyset k = Keyset.generate();
    Path file = tmp.resolve("keys.json");
    k.writeTo(file, "correct horse".toCharArray());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    String text = Files.readString(file);
    assertThat(text).contains("\"lockplaneKeyset\"").doesNotContain("AesGcmHkdfStreamingKey\"");
    Keyset back = Keyset.fromFile(file, "correct horse".toCharArray());
    assertThat(back.keyIds()).isEqualTo(k.keyIds());

    assertThatThrownBy(() -> Keyset.fromFile(file, "wrong".toCharArray()))
        .hasMessageContaining("passphrase does not open")
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE));
    assertThatThrownBy(() -> Keyset.fromFile(file)).hasMessageContaining("protected by a passphrase");
    assertThatThrownBy(() -> Keyset.fromFile(tmp.resolve("missing.json"))).hasMessageContaining("No keyset file at");
    assertThatThrownBy(() -> Keyset.fromEnvironment("LOCKPLANE_TEST_NO_SUCH_VARIABLE")).hasMessageContaining("is not set");
    assertThatThrownBy(() -> k.writeTo(file, null)).hasMessageContaining("does not exist yet");
  }

  @Test
  void noKeyMaterialInToStringOrErrors() {
    Keyset k = Keyset.generate();
    String json = k.toJson(null);
    String secret = json.substring(json.indexOf("\"value\"") + 9, json.indexOf("\"value\"") + 40);
    assertThat(k.toString()).doesNotContain(secret).contains("primary key " + Integer.toUnsignedString(k.primaryKeyId()));
    String broken = json.replace("\"primaryKeyId\"", "\"primaryKeyIdX\"").replace("type.googleapis.com", "type.example.com");
    assertThatThrownBy(() -> Keyset.parse(broken, null)).satisfies(e -> {
      assertThat(e.getMessage()).doesNotContain(secret);
      assertThat(e.getCause()).isNull();
    });
  }

  @Test
  void rotationKeepsOldBackupsReadable() throws Exception {
    Path db = tmp.resolve("a.db");
    TestData.createSqlite(db, 50);
    Keyset v1 = Keyset.generate();
    Path repoDir = tmp.resolve("repo");
    Backup old = BackupRepository.at(repoDir).encryptWith(v1).open().backup().sqlite(db).run();

    Keyset v2 = v1.rotate();
    assertThat(v2.keyIds()).hasSize(2).contains(v1.primaryKeyId());
    assertThat(v2.primaryKeyId()).isNotEqualTo(v1.primaryKeyId());
    assertThat(v2.keysetId()).isEqualTo(v1.keysetId());
    BackupRepository repo2 = BackupRepository.at(repoDir).encryptWith(v2).open();
    Backup fresh = repo2.backup().sqlite(db).run();
    assertThat(old.keyId()).isEqualTo(Integer.toUnsignedLong(v1.primaryKeyId()));
    assertThat(fresh.keyId()).isEqualTo(Integer.toUnsignedLong(v2.primaryKeyId()));

    assertThat(repo2.verify(old.id(), VerifyDepth.DATA).ok()).isTrue();
    assertThat(repo2.verify(fresh.id(), VerifyDepth.DATA).ok()).isTrue();
    repo2.restore(old.id()).toFile(tmp.resolve("old.db"));
    assertThat(TestData.sqliteFingerprints(tmp.resolve("old.db"))).isEqualTo(TestData.sqliteFingerprints(db));

    // the old keyset alone cannot read what the new primary key wrote
    BackupRepository repo1 = BackupRepository.at(repoDir).encryptWith(v1).open();
    assertThatThrownBy(() -> repo1.restore(fresh.id()).toFile(tmp.resolve("fresh.db")))
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE));
    assertThat(tmp.resolve("fresh.db")).doesNotExist();

    // a rotated keyset survives a write/read through a passphrase-protected file
    Path file = tmp.resolve("rotated.json");
    v2.writeTo(file, "pw".toCharArray());
    assertThat(Keyset.fromFile(file, "pw".toCharArray()).primaryKeyId()).isEqualTo(v2.primaryKeyId());
  }

  @Test
  void keysOfAnotherSegmentSizeReadAndWriteBesideNewKeys() throws Exception {
    assertThat(Keyset.generate().primaryKeyTemplate()).isEqualTo(Keyset.KEY_TEMPLATE).isEqualTo("AES256_GCM_HKDF_4KB");

    // a keyset whose key has 64 KiB segments, made with Tink and stored as Tink JSON
    StreamingAeadConfig.register();
    KeysetHandle other = KeysetHandle.newBuilder()
        .addEntry(KeysetHandle.generateEntryFromParameters(AesGcmHkdfStreamingParameters.builder()
            .setKeySizeBytes(32).setDerivedAesGcmKeySizeBytes(32)
            .setHkdfHashType(AesGcmHkdfStreamingParameters.HashType.SHA256)
            .setCiphertextSegmentSizeBytes(64 * 1024).build()).withRandomId().makePrimary())
        .build();
    Keyset v1 = Keyset.parse(TinkJsonProtoKeysetFormat.serializeKeyset(other, InsecureSecretKeyAccess.get()), null);
    assertThat(v1.primaryKeyTemplate()).isEqualTo("AES256_GCM_HKDF_64KB");

    // enough rows for objects of many 4 KiB segments and more than one 64 KiB segment
    Path db = tmp.resolve("big.db");
    TestData.createSqlite(db, 3000);
    assertThat(Files.size(db)).isGreaterThan(256 * 1024);
    Path repoDir = tmp.resolve("repo");
    Backup old = BackupRepository.at(repoDir).encryptWith(v1).open().backup().sqlite(db).run();
    assertThat(manifest(repoDir, old).encryption().algorithm()).isEqualTo("AES256_GCM_HKDF_64KB");

    Keyset v2 = v1.rotate();
    assertThat(v2.primaryKeyTemplate()).isEqualTo(Keyset.KEY_TEMPLATE);
    assertThat(v2.keyTemplate(v1.primaryKeyId())).isEqualTo("AES256_GCM_HKDF_64KB");
    assertThatThrownBy(() -> v2.keyTemplate(v1.primaryKeyId() + 1))
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE));
    // the rotated keyset goes through a passphrase-protected file, as the CLI keeps it
    Path file = tmp.resolve("rotated.json");
    v2.writeTo(file, "pw".toCharArray());
    Keyset read = Keyset.fromFile(file, "pw".toCharArray());
    assertThat(read.keyTemplate(v1.primaryKeyId())).isEqualTo("AES256_GCM_HKDF_64KB");

    BackupRepository repo = BackupRepository.at(repoDir).encryptWith(read).open();
    Backup fresh = repo.backup().sqlite(db).run();
    assertThat(manifest(repoDir, fresh).encryption().algorithm()).isEqualTo("AES256_GCM_HKDF_4KB");
    assertThat(fresh.keyId()).isEqualTo(Integer.toUnsignedLong(v2.primaryKeyId()));
    for (Backup b : new Backup[] {old, fresh}) {
      assertThat(repo.verify(b.id(), VerifyDepth.DATA).ok()).isTrue();
      Path out = tmp.resolve(b.id() + ".db");
      repo.restore(b.id()).toFile(out);
      assertThat(TestData.sqliteFingerprints(out)).isEqualTo(TestData.sqliteFingerprints(db));
    }
  }

  private static Manifest manifest(Path repoDir, Backup b) throws Exception {
    return ManifestCodec.decode(Files.readAllBytes(repoDir.resolve("backups").resolve(b.id()).resolve("manifest.json")));
  }
}
