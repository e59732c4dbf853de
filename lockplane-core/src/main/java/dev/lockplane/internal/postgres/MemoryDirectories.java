package dev.lockplane.internal.postgres;

import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The directories in memory (a tmpfs) of one server with a temporary data directory, for the
 * tablespaces of databases nobody keeps (clones). Thread-safe. Each lives at {@code ROOT/lockplane-UID/INSTANCE},
 * is owned by the server's account, and is named in its instance directory, so that whoever removes
 * the instance directory (the server's stop, or the reaper after a killed JVM) removes it too.
 */
public final class MemoryDirectories {
  /** Linux's tmpfs for shared memory, present on every distribution. */
  public static final Path DEFAULT_ROOT = Path.of("/dev/shm");
  private static final String MARKER = "memory-directory";

  private final Path root;
  private final Path instanceDir;
  private final OsUser user;
  /** The server's directory in memory, made on first use; guarded by {@code this}. */
  private Path base;
  private boolean deleted;

  /**
   * The memory directories of one server.
   *
   * @param root the tmpfs to put them under, or null for a server that keeps its data directory
   * @param instanceDir the server's instance directory
   * @param user the server's account
   */
  MemoryDirectories(Path root, Path instanceDir, OsUser user) {
    this.root = root;
    this.instanceDir = instanceDir;
    this.user = user;
  }

  /**
   * Returns a directory of the server's in memory, made if absent, owned by the server's account.
   *
   * @param name lower-case letters, digits and underscores
   * @return the directory; empty without a usable root, or once {@link #delete()} ran
   */
  synchronized Optional<Path> directory(String name) {
    if (!name.matches("[a-z0-9_]{1,63}")) {
      throw new IllegalArgumentException("not a memory directory name: " + name);
    }
    if (root == null || deleted) {
      return Optional.empty();
    }
    try {
      if (base == null) {
        Optional<Path> usable = usable(root);
        if (usable.isEmpty()) {
          return usable;
        }
        base = create(usable.get(), instanceDir, user);
      }
      Path dir = base.resolve(name);
      if (!Files.isDirectory(dir)) {
        makePrivate(dir, user);
      }
      return Optional.of(dir);
    } catch (IOException e) {
      System.getLogger(MemoryDirectories.class.getName()).log(System.Logger.Level.WARNING,
          "Cannot make a memory directory under " + root + ": " + e);
      return Optional.empty();
    }
  }

  /** Removes the server's directories in memory; later calls of {@link #directory} return empty. */
  synchronized void delete() {
    deleted = true;
    delete(instanceDir);
  }

  /**
   * Returns the root if it is a writable directory on a memory filesystem.
   *
   * @param root the candidate root
   * @return the root, or empty with nothing created
   */
  static Optional<Path> usable(Path root) {
    try {
      if (!Files.isDirectory(root) || !Files.isWritable(root)) {
        return Optional.empty();
      }
      String type = Files.getFileStore(root).type();
      return "tmpfs".equals(type) || "ramfs".equals(type) ? Optional.of(root) : Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * Creates the memory directory of a server.
   *
   * @param root a usable root
   * @param instanceDir the server's instance directory (its name names the memory directory)
   * @param user the server's account, which owns the directory
   * @return the directory, empty and of mode 0700
   * @throws IOException when it cannot be made, or the per-user directory belongs to someone else
   */
  static Path create(Path root, Path instanceDir, OsUser user) throws IOException {
    Path parent = root.resolve("lockplane-" + Posix.euid());
    Files.createDirectories(parent);
    if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)
        || (Integer) Files.getAttribute(parent, "unix:uid", LinkOption.NOFOLLOW_LINKS) != Posix.euid()) {
      throw new IOException(parent + " is not a directory of this user's");
    }
    // traversable by the server's account, listable only by this user
    Posix.chmod(parent, "rwx--x--x");
    Path dir = parent.resolve(instanceDir.getFileName().toString());
    // named first: a JVM killed right after still has it removed
    Files.writeString(instanceDir.resolve(MARKER), dir.toString());
    makePrivate(dir, user);
    return dir;
  }

  /** Creates a directory of mode 0700 owned by the server's account. */
  private static void makePrivate(Path dir, OsUser user) throws IOException {
    Files.createDirectory(dir);
    Posix.chmod(dir, "rwx------");
    Posix.chown(dir, user);
  }

  /**
   * Removes the memory directory named in an instance directory, if any.
   *
   * @param instanceDir the instance directory
   */
  static void delete(Path instanceDir) {
    Path marker = instanceDir.resolve(MARKER);
    try {
      if (Files.exists(marker)) {
        FileTrees.deleteQuietly(Path.of(Files.readString(marker).trim()));
      }
    } catch (IOException | RuntimeException e) {
      System.getLogger(MemoryDirectories.class.getName()).log(System.Logger.Level.WARNING,
          "Cannot remove the memory directory named in " + marker + ": " + e);
    }
  }
}
