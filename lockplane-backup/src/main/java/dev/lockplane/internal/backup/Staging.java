package dev.lockplane.internal.backup;

import dev.lockplane.backup.BackupStorage;
import dev.lockplane.internal.fs.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The repository's local staging area, where plaintext intermediate copies live while a backup or
 * restore runs (an SQLite snapshot, a parallel dump, a dump being restored). It is
 * {@code staging/} inside a local repository, so the copies never land in a shared temporary
 * directory; entries are directories of mode 0700 named after the process that owns them, removed
 * when their work ends and, should that process die, by the next open of the repository.
 */
public final class Staging {
  /** The staging folder's name inside a local repository directory. */
  public static final String FOLDER = "staging";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final System.Logger LOG = System.getLogger(Staging.class.getName());
  private static final String TEMPORARY_PREFIX = "lockplane-staging-";

  private final Path dir;

  private Staging(Path dir) {
    this.dir = dir;
  }

  /**
   * Returns the staging area of a storage: {@code staging/} in a local directory; for other
   * storages a private directory per repository under the JVM's temporary directory.
   *
   * @param storage the repository storage
   * @return the staging area (not created yet)
   */
  public static Staging of(BackupStorage storage) {
    if (storage instanceof LocalDirectoryStorage local) {
      return new Staging(local.root().resolve(FOLDER));
    }
    byte[] digest = ObjectCodec.sha256().digest(storage.describe().getBytes(StandardCharsets.UTF_8));
    return new Staging(Path.of(System.getProperty("java.io.tmpdir"), TEMPORARY_PREFIX + HexFormat.of().formatHex(digest, 0, 8)));
  }

  /**
   * Removes a staging entry (or any scratch directory), and with it the temporary staging directory
   * of a repository that is not a local directory when that is left empty, so that finished work
   * leaves nothing in the temporary directory.
   *
   * @param entry the entry to remove
   */
  public static void delete(Path entry) {
    FileTrees.deleteQuietly(entry);
    Path parent = entry.toAbsolutePath().getParent();
    if (parent != null && parent.getFileName().toString().startsWith(TEMPORARY_PREFIX)
        && parent.getParent() != null && parent.getParent().equals(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())) {
      try {
        Files.deleteIfExists(parent);
      } catch (IOException e) {
        // another entry is in use (DirectoryNotEmptyException): its owner removes the directory
      }
    }
  }

  /** Returns the staging directory. */
  public Path directory() {
    return dir;
  }

  /**
   * Creates a private entry for one piece of work (mode 0700), named after this process.
   *
   * @param purpose a word for what the entry holds, such as {@code sqlite}
   * @return the entry; remove it with {@link #delete(Path)} when done
   * @throws IOException when it cannot be created
   */
  public Path newEntry(String purpose) throws IOException {
    byte[] r = new byte[4];
    RANDOM.nextBytes(r);
    Path entry = dir.resolve(owner(ProcessHandle.current()) + "-" + purpose + "-" + HexFormat.of().formatHex(r));
    for (int attempt = 0; ; attempt++) {
      LocalDirectoryStorage.createPrivateDirectories(dir);
      try {
        if (posix(dir)) {
          Files.createDirectory(entry, PosixFilePermissions.asFileAttribute(LocalDirectoryStorage.DIRECTORY_MODE));
        } else {
          Files.createDirectory(entry);
        }
        return entry;
      } catch (java.nio.file.NoSuchFileException e) {
        // the empty directory was just removed by the end of other work (delete): make it again
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /**
   * Creates an empty file of mode 0600 that a tool will fill, so the file never exists with wider
   * permissions than that.
   *
   * @param entry a staging entry
   * @param name the file's name
   * @return the file
   * @throws IOException when it cannot be created
   */
  public static Path newPrivateFile(Path entry, String name) throws IOException {
    Path f = entry.resolve(name);
    if (posix(entry)) {
      return Files.createFile(f, PosixFilePermissions.asFileAttribute(LocalDirectoryStorage.FILE_MODE));
    }
    return Files.createFile(f);
  }

  /**
   * Removes entries whose owning process is gone (a killed backup's plaintext copy), and anything
   * this code did not create. Entries of live processes are kept.
   *
   * @return the removed entries' names
   */
  public List<String> removeStale() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.sorted().toList();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "Cannot list the staging area " + dir + ": " + e);
      return List.of();
    }
    List<String> removed = new java.util.ArrayList<>();
    for (Path e : entries) {
      String name = e.getFileName().toString();
      if (!ownerAlive(name)) {
        FileTrees.deleteQuietly(e);
        removed.add(name);
      }
    }
    return removed;
  }

  /** Names a process by pid and start time, so a reused pid does not keep a dead process's entry. */
  private static String owner(ProcessHandle p) {
    return p.pid() + "-" + p.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("0");
  }

  private static boolean ownerAlive(String name) {
    String[] parts = name.split("-", 3);
    if (parts.length < 3) {
      return false;
    }
    try {
      Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(parts[0]));
      return p.isPresent() && p.get().isAlive() && name.startsWith(owner(p.get()) + "-");
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
