package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.ManifestCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository is private (files 0600, directories 0700) and a restore gives files their source's mode. */
class PermissionsTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static List<Path> tree(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.sorted().toList();
    }
  }

  @Test
  void unencryptedObjectsAreWrittenPrivatelyAndRestoredWithTheSourceMode() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 500);
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r-----"));
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).unencrypted().partSize(64 * 1024).open();
    Backup b = repo.backup().sqlite(db).run();
    repo.verify(b.id(), VerifyDepth.DATA);

    assertThat(mode(repoDir)).isEqualTo("rwx------");
    List<Path> all = tree(repoDir);
    assertThat(all.stream().filter(Files::isRegularFile).toList()).hasSizeGreaterThan(b.objects());
    for (Path p : all) {
      assertThat(mode(p)).as(repoDir.relativize(p).toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
    }
    String manifest = repo.manifestJson(b.id());
    assertThat(manifest).contains("\"mode\" : \"0640\"");

    Path file = repo.restore(b.id()).toFile(tmp.resolve("out").resolve("restored.db"));
    assertThat(mode(file)).isEqualTo("rw-r-----");
    Path dir = repo.restore(b.id()).toDirectory(tmp.resolve("dir"));
    assertThat(mode(dir.resolve("sqlite/database.sqlite"))).isEqualTo("rw-r-----");
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("sqlite"))).isEqualTo("rwx------");

    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-------"));
    Backup priv = repo.backup().sqlite(db).run();
    assertThat(mode(repo.restore(priv.id()).toFile(tmp.resolve("private.db")))).isEqualTo("rw-------");
  }

  @Test
  void aManifestWithoutModesStillRestoresAndItsFilesArePrivate() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 200);
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-rw-r--"));
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).unencrypted().open();
    Backup b = repo.backup().sqlite(db).run();
    // rewrite both manifests as a Lockplane that did not record modes wrote them
    Path dir = repoDir.resolve("backups").resolve(b.id());
    String json = withoutModes(Files.readString(dir.resolve("manifest.json")));
    assertThat(json).doesNotContain("\"mode\"");
    for (String name : List.of("manifest.json", "manifest.copy.json")) {
      Files.delete(dir.resolve(name));
      Files.writeString(dir.resolve(name), json);
    }
    assertThat(ManifestCodec.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).files())
        .extracting(Manifest.FileEntry::mode).containsOnlyNulls();
    assertThat(repo.verify(b.id(), VerifyDepth.DATA).ok()).isTrue();
    Path restored = repo.restore(b.id()).toFile(tmp.resolve("restored.db"));
    assertThat(mode(restored)).isEqualTo("rw-------");
    assertThat(TestData.sqliteFingerprints(restored)).isEqualTo(TestData.sqliteFingerprints(db));
  }

  /** Removes every file's mode and recomputes the checksum, as the codec computes it. */
  private static String withoutModes(String json) throws Exception {
    var mapper = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .enable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();
    var envelope = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json);
    for (var f : envelope.get("manifest").get("files")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) f).remove("mode");
    }
    byte[] canonical = mapper.writeValueAsString(envelope.get("manifest")).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    envelope.put("sha256", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(canonical)));
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(envelope);
  }
}
