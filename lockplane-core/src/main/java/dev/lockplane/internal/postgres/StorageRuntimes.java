package dev.lockplane.internal.postgres;

import dev.lockplane.internal.fs.FileTrees;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The local runtime directories of copy-on-write storages ({@code runtime()/cow-HASH}, see
 * {@link LockplaneDirectories#storageRuntime(String)}): the clone manager's store lock, the locks of
 * base volumes restored into the storage, its clone servers' sockets and logs, a standby's
 * credentials. Everything in one can be made again, so a directory whose storage is gone (its state
 * directory no longer exists: a removed store, a test's temporary one) is removed once no process
 * holds any of its locks and no live JVM runs a server from it; each JVM looks once, when it first
 * uses a storage.
 *
 * <p>A JVM never opens a lock file it may hold itself: closing any descriptor of a file releases all
 * of the process's POSIX locks on it. Hence the look happens before this JVM takes its first lock
 * in such a directory (every lock there is taken after {@link #prepare}), under this class's lock.
 */
public final class StorageRuntimes {
  private static final System.Logger LOG = System.getLogger(StorageRuntimes.class.getName());
  /** The storage's identity, one line. */
  static final String STORE = "store";
  /** The storage's state directory, one line: while it exists, the storage does. */
  static final String STATE = "state";

  private static boolean swept;

  private StorageRuntimes() {}

  /**
   * Makes a storage's runtime directory ready (traversable by the server's account) and records
   * which storage it belongs to; the first call in a JVM first removes the directories of storages
   * that are gone.
   *
   * @param storageId the storage's identity
   * @param stateDirectory the storage's state directory, whose existence says the storage exists
   * @return the directory
   * @throws IOException when it cannot be made
   */
  public static Path prepare(String storageId, Path stateDirectory) throws IOException {
    synchronized (StorageRuntimes.class) {
      if (!swept) {
        swept = true;
        sweep(LockplaneDirectories.runtime());
      }
    }
    Path dir = LockplaneDirectories.storageRuntime(storageId);
    LockplaneDirectories.ensureShared(LockplaneDirectories.runtime());
    LockplaneDirectories.ensureShared(dir);
    writeIfChanged(dir.resolve(STORE), storageId);
    writeIfChanged(dir.resolve(STATE), stateDirectory.toAbsolutePath().toString());
    return dir;
  }

  private static void writeIfChanged(Path file, String value) throws IOException {
    try {
      if (Files.readString(file, StandardCharsets.UTF_8).strip().equals(value)) {
        return;
      }
    } catch (NoSuchFileException e) {
      // first use
    }
    Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
  }

  /**
   * Takes an OS lock on a whole file without waiting.
   *
   * @param ch the file's channel
   * @return the lock, or {@code null} when a process (this one included, through another channel) holds it
   * @throws IOException when the lock cannot be asked for
   */
  public static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  /**
   * Removes the directories under a runtime directory whose storage is gone and that nothing uses.
   *
   * @param runtime the runtime directory
   * @return how many were removed
   */
  public static int sweep(Path runtime) {
    if (!Files.isDirectory(runtime)) {
      return 0;
    }
    long t0 = System.nanoTime();
    int removed = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runtime, "cow-*")) {
      for (Path dir : dirs) {
        try {
          if (removeIfUnused(dir)) {
            removed++;
          }
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.DEBUG, "Leaving " + dir + ": " + e);
        }
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "Cannot look for unused storage directories in " + runtime + ": " + e);
    }
    LOG.log(Level.DEBUG, "Removed {0} runtime directories of storages that are gone in {1} ms", removed,
        (System.nanoTime() - t0) / 1_000_000);
    return removed;
  }

  private static boolean removeIfUnused(Path dir) throws IOException {
    Path state = dir.resolve(STATE);
    if (!Files.isRegularFile(state)) {
      return false; // not known which storage it belongs to
    }
    Path stateDir = Path.of(Files.readString(state, StandardCharsets.UTF_8).strip());
    if (!stateDir.isAbsolute() || Files.exists(stateDir)) {
      return false;
    }
    List<FileChannel> channels = new ArrayList<>();
    try {
      try (DirectoryStream<Path> locks = Files.newDirectoryStream(dir, "*.lock")) {
        for (Path f : locks) {
          FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE);
          channels.add(ch);
          if (tryLock(ch) == null) {
            return false; // a manager or a recovery in another process uses it
          }
        }
      }
      // servers whose JVM died are stopped; one that is still owned keeps the directory
      Reaper.reap(dir);
      Path instances = dir.resolve("instances");
      if (Files.isDirectory(instances)) {
        try (DirectoryStream<Path> owned = Files.newDirectoryStream(instances)) {
          for (Path i : owned) {
            if (Files.exists(i.resolve(Reaper.RECORD))) {
              return false;
            }
          }
        }
      }
      if (Files.exists(stateDir)) {
        return false; // made again meanwhile
      }
      FileTrees.delete(dir);
      return true;
    } finally {
      for (FileChannel ch : channels) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // the lock goes with the descriptor
        }
      }
    }
  }
}
