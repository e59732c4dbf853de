package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.postgres.LockplaneDirectories;
import dev.lockplane.storage.CowStorage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One manager per store at a time: an OS file lock, which the kernel releases when the holding JVM
 * dies, so a SIGKILLed manager never blocks its successor. The lock and the clones' runtime files
 * (sockets, server logs) live in a local runtime directory named after the store, not on the store,
 * which may be a FUSE filesystem without sockets or locks.
 */
final class StoreLock {
  private final Path runtimeDir;
  private final FileChannel channel;
  private final FileLock lock;

  private StoreLock(Path runtimeDir, FileChannel channel, FileLock lock) {
    this.runtimeDir = runtimeDir;
    this.channel = channel;
    this.lock = lock;
  }

  static StoreLock acquire(CowStorage storage) {
    Path dir = LockplaneDirectories.storageRuntime(storage.id());
    FileChannel ch = null;
    try {
      LockplaneDirectories.ensureShared(LockplaneDirectories.runtime());
      LockplaneDirectories.ensureShared(dir);
      ch = FileChannel.open(dir.resolve("manager.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        ch.close();
        throw new LockplaneException(
            ErrorCode.IN_USE,
            "Another instance clone manager (in this or another process) is using store " + storage.id()
                + ". Close it first, or use another store; a killed manager releases the store by itself.");
      }
      Files.writeString(dir.resolve("store"), storage.id() + "\n", StandardCharsets.UTF_8);
      return new StoreLock(dir, ch, l);
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // reporting the first failure
        }
      }
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot lock the store " + storage.id() + " in " + dir + ": " + e, e);
    }
  }

  Path runtimeDirectory() {
    return runtimeDir;
  }

  void release() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the process anyway
    }
  }
}
