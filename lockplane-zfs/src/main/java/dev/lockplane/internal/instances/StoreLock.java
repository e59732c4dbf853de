package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.postgres.LockplaneDirectories;
import dev.lockplane.internal.postgres.StorageRuntimes;
import dev.lockplane.storage.CowStorage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
  /** The lock files this JVM holds. */
  private static final java.util.Set<Path> HELD_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path runtimeDir;
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private StoreLock(Path runtimeDir, Path file, FileChannel channel, FileLock lock) {
    this.runtimeDir = runtimeDir;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  private static LockplaneException inUse(CowStorage storage) {
    return new LockplaneException(
        ErrorCode.IN_USE,
        "Another instance clone manager (in this or another process) is using store " + storage.id()
            + ". Close it first, or use another store; a killed manager releases the store by itself.");
  }

  static StoreLock acquire(CowStorage storage) {
    Path dir = LockplaneDirectories.storageRuntime(storage.id());
    Path file = dir.resolve("manager.lock");
    if (!HELD_HERE.add(file)) {
      // never a second descriptor of a lock this JVM holds: closing it would release that lock
      throw inUse(storage);
    }
    FileChannel ch = null;
    try {
      for (int attempt = 0; ; attempt++) {
        dir = StorageRuntimes.prepare(storage.id(), storage.stateDirectory());
        try {
          ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException e) {
          if (attempt > 2) {
            throw e;
          }
          continue; // removed by another process that saw the storage gone: made again above
        }
        FileLock l = StorageRuntimes.tryLock(ch);
        if (l == null) {
          ch.close();
          throw inUse(storage);
        }
        if (Files.exists(file) || attempt > 2) {
          return new StoreLock(dir, file, ch, l);
        }
        // another process removed the directory of a storage it saw gone just before this one used it again
        ch.close();
      }
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // reporting the first failure
        }
      }
      HELD_HERE.remove(file);
      if (e instanceof RuntimeException r) {
        throw r;
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
    } finally {
      HELD_HERE.remove(file);
    }
  }
}
