package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.BackupStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.Channels;
import java.util.Set;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * Objects as files under a directory; a key's slashes become subdirectories. Files are created
 * with mode 0600 and directories with 0700 (passed at creation, so no moment exists with wider
 * permissions): a backup holds the data of the database it copies, whatever the process umask.
 */
public final class LocalDirectoryStorage implements BackupStorage {
  /** Mode of every directory the storage creates. */
  public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
  /** Mode of every object file. */
  public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private final Path root;

  /**
   * Creates the storage.
   *
   * @param root the directory
   */
  public LocalDirectoryStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      createPrivateDirectories(this.root);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR,
          "Cannot create the backup repository directory " + this.root + ": " + e + ". Check the path and its permissions.", e);
    }
  }

  /** Returns the directory the objects live in. */
  public Path root() {
    return root;
  }

  /**
   * Creates a directory and its missing parents with mode 0700 (existing ones are left as they are).
   *
   * @param dir the directory
   * @throws IOException when it cannot be created
   */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (posix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private Path path(String key) throws IOException {
    if (!ObjectKeys.isSafe(key)) {
      // callers check keys read from manifests first; this guards the filesystem whatever the caller
      throw new InvalidKeyException(key);
    }
    return root.resolve(key);
  }

  @Override
  public OutputStream create(String key) throws IOException {
    Path p = path(key);
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    for (int attempt = 1; ; attempt++) {
      createPrivateDirectories(p.getParent());
      try {
        return Channels.newOutputStream(posix(p)
            ? Files.newByteChannel(p, options, PosixFilePermissions.asFileAttribute(FILE_MODE))
            : Files.newByteChannel(p, options));
      } catch (NoSuchFileException e) {
        // a concurrent delete tidied the empty parent away between the two calls: create it again
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /** An object key that would leave the repository directory. */
  public static final class InvalidKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    InvalidKeyException(String key) {
      super("invalid object key '" + key + "': it would leave the repository directory");
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    return Files.newInputStream(path(key));
  }

  @Override
  public long size(String key) throws IOException {
    return Files.size(path(key));
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    // walk from the deepest existing directory the prefix names, then filter by the full prefix
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> s = Files.walk(start)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        String k = root.relativize(p).toString().replace('\\', '/');
        if (k.startsWith(prefix)) {
          keys.add(k);
        }
      });
    } catch (java.io.UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
    }
    Collections.sort(keys);
    return keys;
  }

  @Override
  public void delete(String key) throws IOException {
    Path p = path(key);
    Files.deleteIfExists(p);
    // empty directories are an artifact of this storage, not objects: tidy them up to the root
    Path dir = p.getParent();
    while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        break;
      }
      dir = dir.getParent();
    }
  }

  @Override
  public String describe() {
    return "directory " + root;
  }
}
