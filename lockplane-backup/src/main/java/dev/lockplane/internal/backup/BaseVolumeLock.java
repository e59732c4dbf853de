package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.postgres.LockplaneDirectories;
import dev.lockplane.internal.postgres.StorageRuntimes;
import dev.lockplane.storage.CowStorage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Exclusive use of one restored base volume while it is made, cloned or destroyed, so that two
 * recoveries from the same backup (threads of one JVM or separate processes) restore it once: the
 * second waits for the first and then clones its snapshot. An OS file lock covers processes and is
 * released by the kernel when a holder dies, so a killed recovery never blocks the next one; a file
 * lock is held per JVM, not per thread, hence the semaphore in front of it. The lock file lives in
 * the local runtime directory named after the storage, like the clone managers' store lock, because
 * a storage may sit on a filesystem without locks.
 */
final class BaseVolumeLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 100;

  private final Semaphore local;
  private final FileChannel channel;
  private final FileLock lock;

  private BaseVolumeLock(Semaphore local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of a base volume on a storage. */
  static Path file(CowStorage storage, String baseVolume) {
    return LockplaneDirectories.storageRuntime(storage.id()).resolve(baseVolume + ".lock");
  }

  /**
   * Waits for the base volume to be free.
   *
   * @param storage the storage
   * @param baseVolume the volume
   * @param backupId the backup restored into it, for messages
   * @param timeout how long to wait
   * @throws BackupException {@code IN_USE} when another recovery holds it for longer than the timeout
   */
  static BaseVolumeLock acquire(CowStorage storage, String baseVolume, String backupId, Duration timeout) {
    Path file = file(storage, baseVolume);
    long deadline = System.nanoTime() + timeout.toNanos();
    Semaphore local = IN_THIS_JVM.computeIfAbsent(file, f -> new Semaphore(1, true));
    try {
      if (!local.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy(storage, baseVolume, backupId, timeout, "another recovery in this process");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(ErrorCode.IO_ERROR, "Interrupted while waiting for volume " + baseVolume + " on "
          + storage.describe() + ".", backupId, null, e);
    }
    FileChannel ch = null;
    try {
      StorageRuntimes.prepare(storage.id(), storage.stateDirectory());
      while (true) {
        try {
          ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException e) {
          // the directory was removed by another process that saw the storage gone: make it again
          StorageRuntimes.prepare(storage.id(), storage.stateDirectory());
          continue;
        }
        FileLock l = ch.tryLock();
        if (l != null && Files.exists(file)) {
          ch.truncate(0);
          ch.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"), 0);
          return new BaseVolumeLock(local, ch, l);
        }
        ch.close(); // held elsewhere, or removed with its directory just now (then the next round makes it again)
        if (l != null) {
          StorageRuntimes.prepare(storage.id(), storage.stateDirectory());
          continue;
        }
        if (System.nanoTime() > deadline) {
          throw busy(storage, baseVolume, backupId, timeout, "another process");
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      closeQuietly(ch);
      local.release();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot lock volume " + baseVolume + " of " + storage.describe() + " in "
          + file + ": " + e, backupId, null, e);
    }
  }

  private static BackupException busy(CowStorage storage, String baseVolume, String backupId, Duration timeout, String who) {
    return new BackupException(ErrorCode.IN_USE, "Volume " + baseVolume + " on " + storage.describe() + " (backup " + backupId
        + " as restored) has been in use by " + who + " for more than "
        + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s") + ": it is still restoring"
        + " the backup or making a clone of it. Try again when it is done, or give a longer lock timeout.", backupId, null, null);
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // the lock goes with the channel anyway
    } finally {
      closeQuietly(channel);
      local.release();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing held
      }
    }
  }
}
