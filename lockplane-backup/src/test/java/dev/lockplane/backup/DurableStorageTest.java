package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.internal.backup.LocalDirectoryStorage;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.testing.LoopFilesystem;
import dev.lockplane.testing.Requirements;
import dev.lockplane.testing.SharedPostgres;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A local repository's objects reach the disk before the write that made them is acknowledged: on a
 * loop-mounted XFS, the loop device's counters (written sectors, flush requests) show the bytes
 * written and flushed when an object is closed, when a deferred view is flushed, and when a backup
 * returns. Without a flush the kernel keeps such bytes in the page cache for up to 30 seconds.
 */
class DurableStorageTest {
  private static final int OBJECT = 4 << 20;

  /** The loop device's cumulative counters: [written sectors, flush requests]. */
  private static long[] counters(Path mountPoint) throws Exception {
    ProcessRunner.Result r = ProcessRunner.run(List.of("findmnt", "-n", "-o", "SOURCE", mountPoint.toString()), null,
        Map.of(), Duration.ofSeconds(10));
    Requirements.require(r.ok(), "cannot find the device of " + mountPoint + ": " + r.output().strip());
    String device = Path.of(r.output().strip()).getFileName().toString();
    String[] f = Files.readString(Path.of("/sys/block", device, "stat")).trim().split("\\s+");
    Requirements.require(f.length >= 17, "the kernel does not report flush requests in /sys/block/" + device + "/stat");
    return new long[] {Long.parseLong(f[6]), Long.parseLong(f[15])};
  }

  private static byte[] data(int seed) {
    byte[] b = new byte[OBJECT];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void anObjectIsOnTheDiskWhenItsStreamCloses() throws Exception {
    try (LoopFilesystem fs = LoopFilesystem.xfs(400)) {
      LocalDirectoryStorage storage = new LocalDirectoryStorage(fs.path().resolve("repo"));
      long[] before = counters(fs.path());
      try (OutputStream out = storage.create("backups/a/data/0000001")) {
        out.write(data(1));
      }
      long[] after = counters(fs.path());
      assertThat(after[0] - before[0]).as("sectors written").isGreaterThanOrEqualTo(OBJECT / 512);
      assertThat(after[1]).as("flush requests").isGreaterThan(before[1]);
      storage.close();
    }
  }

  @Test
  void aDeferredViewWritesItsObjectsToTheDiskWhenFlushed() throws Exception {
    try (LoopFilesystem fs = LoopFilesystem.xfs(400)) {
      LocalDirectoryStorage storage = new LocalDirectoryStorage(fs.path().resolve("repo"));
      long[] before = counters(fs.path());
      LocalDirectoryStorage.Deferred view = storage.deferred();
      for (int i = 1; i <= 3; i++) {
        try (OutputStream out = view.create("backups/b/data/000000" + i)) {
          out.write(data(i));
        }
      }
      view.flush();
      long[] after = counters(fs.path());
      assertThat(after[0] - before[0]).as("sectors written").isGreaterThanOrEqualTo(3L * OBJECT / 512);
      assertThat(after[1]).as("flush requests").isGreaterThan(before[1]);
      assertThat(storage.list("backups/b/")).hasSize(3);
      assertThat(Files.readAllBytes(fs.path().resolve("repo/backups/b/data/0000002"))).isEqualTo(data(2));
      storage.close();
    }
  }

  @Test
  void aBackupIsOnTheDiskWhenItReturns() throws Exception {
    try (LoopFilesystem fs = LoopFilesystem.xfs(1024)) {
      long[] before = counters(fs.path());
      // a physical backup: its objects are the only writes to this filesystem (no staging copy)
      BackupRepository repo = BackupRepository.at(fs.path().resolve("repo")).unencrypted().open();
      Backup b = repo.backup().physical(SharedPostgres.get()).withoutRowCounts().run();
      long[] after = counters(fs.path());
      assertThat((after[0] - before[0]) * 512).as("bytes written").isGreaterThanOrEqualTo(b.storedSize());
      assertThat(after[1]).as("flush requests").isGreaterThan(before[1]);
      repo.close();
    }
  }
}
