package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
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
}
