package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plaintext intermediate copies live privately in the repository's staging area and never outlive their work. */
class StagingTest {
  @TempDir Path tmp;

  private static List<Path> entries(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theSqliteCopyIsPrivateInStagingWhileTheBackupRunsAndGoneAfter() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 2000);
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).unencrypted().partSize(64 * 1024).open();
    AtomicReference<String> seen = new AtomicReference<>();
    repo.backup().sqlite(db).progress(p -> {
      if (p.phase() == Progress.Phase.COPYING && seen.get() == null) {
        try {
          Path staging = repoDir.resolve("staging");
          List<Path> inFlight = entries(staging);
          assertThat(inFlight).hasSize(1);
          Path copy = inFlight.get(0).resolve("copy.sqlite");
          seen.set(mode(staging) + " " + mode(inFlight.get(0)) + " " + mode(copy) + " " + Files.size(copy));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }).run();
    assertThat(seen.get()).isNotNull().startsWith("rwx------ rwx------ rw------- ").doesNotEndWith(" 0");
    assertThat(entries(repoDir.resolve("staging"))).isEmpty();
  }

  @Test
  void aFailingSqliteBackupLeavesNothingInStaging() throws Exception {
    Path notADatabase = tmp.resolve("broken.db");
    Files.write(notADatabase, new byte[64 * 1024]);
    Files.writeString(notADatabase, "this is not an SQLite database, but it is long enough to be read as one".repeat(100));
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).unencrypted().open();
    assertThatThrownBy(() -> repo.backup().sqlite(notADatabase).run())
        .isInstanceOf(BackupException.class)
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.DATABASE_ERROR));
    assertThat(entries(repoDir.resolve("staging"))).isEmpty();
    assertThat(repo.list()).isEmpty();
  }

  @Test
  void openingTheRepositoryRemovesEntriesOfDeadProcessesOnly() throws Exception {
    Path repoDir = tmp.resolve("repo");
    BackupRepository.at(repoDir).unencrypted().open();
    Path staging = repoDir.resolve("staging");
    Files.createDirectories(staging);
    // a process that cannot exist (pid above pid_max) left a plaintext copy; so did someone unknown
    Path dead = Files.createDirectories(staging.resolve("2147483646-1700000000000-sqlite-0badc0de"));
    Files.writeString(dead.resolve("copy.sqlite"), "plaintext rows");
    Path stray = Files.writeString(staging.resolve("copy.sqlite"), "plaintext rows");
    ProcessHandle self = ProcessHandle.current();
    String owner = self.pid() + "-" + self.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("0");
    Path alive = Files.createDirectories(staging.resolve(owner + "-sqlite-00c0ffee"));
    // this pid with another start time is a reused pid: its entry is stale too
    Path reused = Files.createDirectories(staging.resolve(self.pid() + "-1-sqlite-00000001"));

    BackupRepository.at(repoDir).unencrypted().open();
    assertThat(dead).doesNotExist();
    assertThat(stray).doesNotExist();
    assertThat(reused).doesNotExist();
    assertThat(alive).exists();
  }

  @Test
  void theTemporaryStagingDirectoryGoesWithItsLastEntry() throws Exception {
    // a repository that is not a local directory stages under java.io.tmpdir/lockplane-staging-HASH
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "lockplane-staging-test" + ProcessHandle.current().pid());
    Path first = Files.createDirectories(dir.resolve("first"));
    Path second = Files.createDirectories(dir.resolve("second"));
    Files.writeString(second.resolve("copy.sqlite"), "plaintext rows");
    dev.lockplane.internal.backup.Staging.delete(first);
    assertThat(first).doesNotExist();
    assertThat(dir).as("still holds another entry").isDirectory();
    dev.lockplane.internal.backup.Staging.delete(second);
    assertThat(dir).doesNotExist();
    // any other directory's parent stays
    Path scratch = Files.createDirectories(tmp.resolve("scratch-parent").resolve("scratch"));
    dev.lockplane.internal.backup.Staging.delete(scratch);
    assertThat(scratch).doesNotExist();
    assertThat(tmp.resolve("scratch-parent")).isDirectory();
  }
}
