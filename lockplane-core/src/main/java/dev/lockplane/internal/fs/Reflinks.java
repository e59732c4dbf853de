package dev.lockplane.internal.fs;

import dev.lockplane.clone.CopyMethod;
import dev.lockplane.internal.os.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
    Path a = null;
    Path b = null;
    try {
      a = Files.createTempFile(dir, ".lockplane-reflink-probe", ".a");
      Files.write(a, new byte[4096]);
      b = a.resolveSibling(a.getFileName() + ".b");
      return ProcessRunner.run(
              List.of("cp", "--reflink=always", a.toString(), b.toString()), null, Map.of(), Duration.ofSeconds(10))
          .ok();
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      FileTrees.deleteQuietly(b == null ? Path.of("/nonexistent") : b);
      FileTrees.deleteQuietly(a == null ? Path.of("/nonexistent") : a);
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
      if (tryReflink
          && ProcessRunner.run(
                  List.of("cp", "--reflink=always", source.toString(), tmp.toString()), null, Map.of(), Duration.ofMinutes(5))
              .ok()) {
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
