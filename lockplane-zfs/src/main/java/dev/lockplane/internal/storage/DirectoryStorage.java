package dev.lockplane.internal.storage;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.SpaceUsage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Volumes and snapshots as plain directories under a root: {@code volumes/NAME} and
 * {@code snapshots/NAME/SNAPSHOT}. A snapshot and a clone are copies of a directory tree, made file by
 * file with {@link #copyFile} (a reflink or a byte copy), into a temporary name then renamed, so a
 * half-made copy is never seen under its real name.
 */
public abstract class DirectoryStorage implements CowStorage {
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

  /** The root directory of the store. */
  protected final Path root;

  /**
   * Opens a store rooted at a directory, creating it if missing.
   *
   * @param root the root directory
   */
  protected DirectoryStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root.resolve("volumes"));
      Files.createDirectories(this.root.resolve("snapshots"));
      Files.createDirectories(this.root.resolve(".lockplane"));
      // the server runs as an unprivileged user (when the JVM is root) and must reach its data directory
      for (Path p : List.of(this.root, this.root.resolve("volumes"), this.root.resolve("snapshots"))) {
        Posix.chmod(p, "rwxr-xr-x");
      }
    } catch (IOException e) {
      throw failure("Cannot create the store directories under " + this.root, e);
    }
  }

  /**
   * Copies one regular file; the target does not exist yet.
   *
   * @param source the file to copy
   * @param target the new file
   * @throws IOException on failure
   */
  protected abstract void copyFile(Path source, Path target) throws IOException;

  /**
   * Returns the bytes of a regular file not shared with another file.
   *
   * @param file the file
   * @return its own bytes
   * @throws IOException on failure
   */
  protected abstract long ownBytes(Path file) throws IOException;

  @Override
  public Path stateDirectory() {
    return root.resolve(".lockplane");
  }

  private Path volumeDir(String volume) {
    return root.resolve("volumes").resolve(Names.check("volume", volume));
  }

  private Path snapshotDir(String volume, String snapshot) {
    return root.resolve("snapshots").resolve(Names.check("volume", volume)).resolve(Names.check("snapshot", snapshot));
  }

  @Override
  public Path create(String volume) {
    Path dir = volumeDir(volume);
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new LockplaneException(ErrorCode.ALREADY_EXISTS, "Volume directory " + dir + " already exists.");
    } catch (IOException e) {
      throw failure("Cannot create volume " + dir, e);
    }
    return dir;
  }

  @Override
  public boolean exists(String volume) {
    return Files.isDirectory(volumeDir(volume));
  }

  @Override
  public Path path(String volume) {
    Path dir = volumeDir(volume);
    if (!Files.isDirectory(dir)) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "There is no volume " + volume + " (" + dir + ").");
    }
    return dir;
  }

  @Override
  public void snapshot(String volume, String snapshot) {
    Path target = snapshotDir(volume, snapshot);
    if (Files.exists(target)) {
      throw new LockplaneException(ErrorCode.ALREADY_EXISTS, "Snapshot " + volume + "@" + snapshot + " already exists (" + target + ").");
    }
    copyTree(path(volume), target, volume + "@" + snapshot);
  }

  @Override
  public Path clone(String volume, String snapshot, String target) {
    Path source = snapshotDir(volume, snapshot);
    if (!Files.isDirectory(source)) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "There is no snapshot " + volume + "@" + snapshot + " (" + source + ").");
    }
    Path dir = volumeDir(target);
    if (Files.exists(dir)) {
      throw new LockplaneException(ErrorCode.ALREADY_EXISTS, "Volume directory " + dir + " already exists.");
    }
    copyTree(source, dir, target);
    return dir;
  }

  @Override
  public void rollback(String volume, String snapshot) {
    Path source = snapshotDir(volume, snapshot);
    if (!Files.isDirectory(source)) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "There is no snapshot " + volume + "@" + snapshot + ".");
    }
    Path dir = path(volume);
    Path old = dir.resolveSibling("." + volume + ".old-" + UUID.randomUUID());
    try {
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw failure("Cannot move " + dir + " aside for rollback", e);
    }
    try {
      copyTree(source, dir, volume);
    } catch (RuntimeException e) {
      try {
        Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
    FileTrees.deleteQuietly(old);
  }

  @Override
  public void destroy(String volume) {
    Path dir = volumeDir(volume);
    try {
      deleteTree(dir);
      deleteTree(root.resolve("snapshots").resolve(volume));
    } catch (IOException e) {
      throw failure("Cannot remove volume " + dir, e);
    }
  }

  @Override
  public void destroySnapshot(String volume, String snapshot) {
    try {
      deleteTree(snapshotDir(volume, snapshot));
    } catch (IOException e) {
      throw failure("Cannot remove snapshot " + volume + "@" + snapshot, e);
    }
  }

  /** Renames before deleting, so that a concurrent reader never sees half a tree under the real name. */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path gone = dir.resolveSibling("." + dir.getFileName() + ".gone-" + UUID.randomUUID());
    Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
    FileTrees.delete(gone);
  }

  @Override
  public List<String> volumes() {
    return names(root.resolve("volumes"));
  }

  @Override
  public List<String> snapshots(String volume) {
    return names(root.resolve("snapshots").resolve(Names.check("volume", volume)));
  }

  private static List<String> names(Path dir) {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".") && Files.isDirectory(p)) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot list " + dir + ": " + e, e);
    }
    out.sort(null);
    return out;
  }

  @Override
  public SpaceUsage usage(String volume) {
    Path dir = path(volume);
    long[] sums = new long[2];
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (attrs.isRegularFile()) {
            FileStat st = POSIX.lstat(file.toString());
            sums[1] += st.blocks() * 512;
            sums[0] += ownBytes(file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw failure("Cannot measure volume " + dir, e);
    }
    return new SpaceUsage(sums[0], sums[1]);
  }

  /**
   * Returns the allocated bytes of a file (its blocks).
   *
   * @param file the file
   * @return the allocated bytes
   */
  protected static long allocated(Path file) {
    return POSIX.lstat(file.toString()).blocks() * 512;
  }

  @Override
  public long available() {
    try {
      return Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      throw failure("Cannot read the free space of " + root, e);
    }
  }

  private void copyTree(Path source, Path target, String what) {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(target.getParent());
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Path t = tmp.resolve(source.relativize(dir).toString());
          Files.createDirectory(t);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Path t = tmp.resolve(source.relativize(file).toString());
          if (attrs.isSymbolicLink()) {
            Files.createSymbolicLink(t, Files.readSymbolicLink(file));
            own(file, t);
          } else if (attrs.isRegularFile()) {
            copyFile(file, t);
            own(file, t);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          if (exc != null) {
            throw exc;
          }
          own(dir, tmp.resolve(source.relativize(dir).toString()));
          return FileVisitResult.CONTINUE;
        }
      });
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      FileTrees.deleteQuietly(tmp);
      throw failure("Cannot copy " + source + " to " + target + " (" + what + ")", e);
    } catch (RuntimeException e) {
      FileTrees.deleteQuietly(tmp);
      throw e;
    }
  }

  /** Gives the copy the source's owner and mode: PostgreSQL checks both on its data directory. */
  private static void own(Path source, Path target) throws IOException {
    FileStat st = POSIX.lstat(source.toString());
    if (Posix.isRoot()) {
      Posix.chown(target, new OsUser(String.valueOf(st.uid()), st.uid(), st.gid()));
    }
    if (!st.isSymlink()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(target, perms);
    }
  }

  /**
   * Translates an I/O failure, naming the store and the free space when it is full.
   *
   * @param what what was being done
   * @param e the failure
   * @return the exception to throw
   */
  protected LockplaneException failure(String what, IOException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("No space left on device") || msg.contains("ENOSPC") || msg.contains("Disk quota exceeded")) {
      long free = -1;
      try {
        free = Files.getFileStore(root).getUsableSpace();
      } catch (IOException ignored) {
        // only a help for the message
      }
      return new LockplaneException(
          ErrorCode.DISK_FULL,
          what + ": no space left on the filesystem of " + root + " (" + (free >= 0 ? free + " bytes" : "unknown")
              + " available). Destroy clones or snapshots there, or give the store more space.",
          e);
    }
    return new LockplaneException(ErrorCode.IO_ERROR, what + ": " + e, e);
  }
}
