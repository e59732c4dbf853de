package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.ManifestCodec;
import dev.lockplane.internal.backup.StoredObject;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.Requirements;
import dev.lockplane.testing.SharedPostgres;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore decodes the parts of one file on several threads and writes them in order: the result is
 * the same bytes as a one-thread restore, and with several damaged objects the first by manifest
 * order is the one named, however the threads are scheduled. A target that cannot hold the files
 * fails the restore cleanly while parts are decoding.
 */
class ParallelRestoreTest {
  @TempDir Path tmp;
  Path repoDir;
  Keyset keys;
  Backup backup;
  Manifest manifest;

  @BeforeEach
  void backup() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    TestData.createPostgres(pg, "parallel_restore", 400);
    keys = Keyset.generate();
    repoDir = tmp.resolve("repo");
    // small parts, so relation files and WAL segments are many parts each
    backup = repo(4).backup().physical(pg).run();
    manifest = ManifestCodec.decode(repo(4).manifestJson(backup.id()).getBytes(StandardCharsets.UTF_8));
  }

  private BackupRepository repo(int threads) {
    return BackupRepository.at(repoDir).encryptWith(keys).partSize(64 * 1024).parallelism(threads).open();
  }

  @Test
  void aParallelRestoreWritesTheSameBytesAsOneThread() throws Exception {
    assertThat(manifest.files()).anySatisfy(f -> assertThat(f.parts().size()).isGreaterThan(8));
    Path one = tmp.resolve("one");
    Path four = tmp.resolve("four");
    repo(1).restore(backup.id()).toDirectory(one);
    repo(4).restore(backup.id()).toDirectory(four);
    List<Path> files = regularFiles(one);
    assertThat(regularFiles(four)).isEqualTo(files);
    assertThat(files).hasSize(manifest.files().size());
    for (Path rel : files) {
      assertThat(Files.mismatch(one.resolve(rel), four.resolve(rel))).as("%s", rel).isEqualTo(-1L);
    }
    for (Manifest.FileEntry f : manifest.files()) {
      assertThat(Files.size(four.resolve(f.path()))).as(f.path()).isEqualTo(f.size());
    }
  }

  @Test
  void withTwoDamagedObjectsTheFirstByOrderIsNamed() throws Exception {
    Manifest.FileEntry big = manifest.files().stream().filter(f -> f.parts().size() > 8)
        .max(Comparator.comparingInt(f -> f.parts().size())).orElseThrow();
    // damage a late part first and an early one second: time order must not decide which is named
    StoredObject early = big.parts().get(1);
    StoredObject late = big.parts().get(big.parts().size() - 2);
    flip(repoDir.resolve(late.key()));
    flip(repoDir.resolve(early.key()));

    VerifyReport report = repo(4).verify(backup.id(), VerifyDepth.DATA);
    assertThat(report.problems()).extracting(VerifyReport.Problem::object).containsExactly(early.key(), late.key());

    for (int attempt = 0; attempt < 3; attempt++) {
      Path target = tmp.resolve("restored-" + attempt);
      assertThatThrownBy(() -> repo(4).restore(backup.id()).toDirectory(target))
          .isInstanceOf(BackupException.class)
          .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CORRUPTED))
          .satisfies(e -> assertThat(((BackupException) e).objectKey()).contains(early.key()))
          .hasMessageContaining(early.key());
      assertThat(target).doesNotExist();
    }
  }

  @Test
  void aTargetWithoutRoomForItsFilesFailsAsDiskFullAndKeepsNothing() throws Exception {
    Requirements.requireRoot();
    Path mnt = tmp.resolve("few-inodes");
    Files.createDirectories(mnt);
    // room for the bytes but not for the files: creating them fails part-way, while parts decode
    ProcessRunner.Result mount = ProcessRunner.run(List.of("mount", "-t", "tmpfs", "-o", "size=256m,nr_inodes=200",
        "tmpfs", mnt.toString()), null, Map.of(), Duration.ofSeconds(30));
    Requirements.require(mount.ok(), "cannot mount a tmpfs: " + mount.output());
    try {
      assertThat(manifest.files()).hasSizeGreaterThan(400);
      Path target = mnt.resolve("restored");
      assertThatThrownBy(() -> repo(4).restore(backup.id()).toDirectory(target))
          .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL))
          .hasMessageContaining(target.toString())
          .hasMessageContaining("What was restored was removed");
      assertThat(target).doesNotExist();
      // and with room, the same repository restores completely
      Path roomy = tmp.resolve("roomy");
      repo(4).restore(backup.id()).toDirectory(roomy);
      assertThat(regularFiles(roomy)).hasSize(manifest.files().size());
    } finally {
      ProcessRunner.run(List.of("umount", mnt.toString()), null, Map.of(), Duration.ofSeconds(30));
    }
  }

  private static void flip(Path file) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long pos = f.length() / 2;
      f.seek(pos);
      int b = f.read();
      f.seek(pos);
      f.write(b ^ 0xFF);
    }
  }

  private static List<Path> regularFiles(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }
}
