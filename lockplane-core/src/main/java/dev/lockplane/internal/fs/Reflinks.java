package dev.lockplane.internal.fs;

import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CopyMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * File copies that share blocks (reflinks) where the filesystem can, found out by trying: the
 * filesystem type alone does not tell (XFS may be formatted without reflink support).
 */
public final class Reflinks {
  private Reflinks() {}

  /**
   * Probes whether files in a directory can be reflinked.
   *
   * @param dir a writable directory on the filesystem to probe
   * @return whether a reflink copy succeeded there
   */
  public static boolean supported(Path dir) {
    return probe(dir) == null;
  }

  /**
   * Tries a reflink in a directory.
   *
   * @param dir a writable directory on the filesystem to test
   * @return {@code null} when reflinks work there, else why not
   */
  public static String probe(Path dir) {
    Path a = null;
    Path b = null;
    try {
      a = Files.createTempFile(dir, ".lockplane-reflink-probe", ".a");
      Files.write(a, new byte[8192]);
      b = a.resolveSibling(a.getFileName() + ".b");
      cloneFile(a, b);
      return null;
    } catch (IOException | LockplaneException e) {
      return e.getMessage();
    } finally {
      deleteQuietly(b);
      deleteQuietly(a);
    }
  }

  /**
   * Clones one file with the {@code FICLONE} ioctl: the target shares the source's extents. The
   * target must not exist; it is created 0600.
   *
   * @param source the file to clone
   * @param target the new file
   * @throws IOException naming the errno when the filesystem refuses (EXDEV, EOPNOTSUPP, ENOSPC …)
   */
  public static void cloneFile(Path source, Path target) throws IOException {
    LibC.Calls c = LibC.calls();
    int in = c.open(source.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
    if (in < 0) {
      throw new IOException("cannot open " + source + ": " + LibC.describe(LibC.errno()));
    }
    try {
      int out = c.open(target.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0600);
      if (out < 0) {
        throw new IOException("cannot create " + target + ": " + LibC.describe(LibC.errno()));
      }
      int rc;
      int errno = 0;
      try {
        rc = c.ioctl(out, LibC.FICLONE, in);
        if (rc != 0) {
          errno = LibC.errno();
        }
      } finally {
        c.close(out);
      }
      if (rc != 0) {
        Files.deleteIfExists(target);
        String text = LibC.describe(errno);
        throw new IOException(
            "FICLONE " + source + " -> " + target + " failed: "
                + (errno == LibC.ENOSPC ? "No space left on device" : text));
      }
    } finally {
      c.close(in);
    }
  }
  private static void deleteQuietly(Path p) {
    if (p != null) {
      FileTrees.deleteQuietly(p);
    }
  }


  private static boolean tryClone(Path source, Path target) {
    try {
      cloneFile(source, target);
      return true;
    } catch (IOException | LockplaneException e) {
      return false;
    }
  }

  /** Returns the filesystem type of a path, such as {@code xfs}, {@code btrfs} or {@code ext4}. */
  public static String filesystemType(Path path) {
    try {
      return Files.getFileStore(path).type();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Copies one file, as a reflink when the filesystem allows, else byte by byte. The target is
   * replaced atomically: readers of the old target keep reading the old file.
   *
   * @param source the file to copy
   * @param target the copy
   * @param tryReflink whether to try a reflink first
   * @return how the file was copied
   * @throws IOException on failure
   */
  public static CopyMethod copy(Path source, Path target, boolean tryReflink) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + System.nanoTime());
    try {
      CopyMethod how = CopyMethod.COPY;
      if (tryReflink && tryClone(source, tmp)) {
        how = CopyMethod.REFLINK;
      } else {
        Files.deleteIfExists(tmp);
        Files.copy(source, tmp, StandardCopyOption.COPY_ATTRIBUTES);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return how;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
