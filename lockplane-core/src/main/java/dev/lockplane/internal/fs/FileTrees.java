package dev.lockplane.internal.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/** Recursive copy and delete of directory trees. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Copies a directory tree, keeping permissions and symbolic links. The target must not exist.
   *
   * @param source the tree to copy
   * @param target where to put the copy
   * @throws IOException on failure; a partial copy is left for the caller to remove
   */
  public static void copy(Path source, Path target) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Path t = target.resolve(source.relativize(dir).toString());
            Files.copy(dir, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Path t = target.resolve(source.relativize(file).toString());
            Files.copy(file, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Deletes a file or directory tree; a missing path is not an error. Symbolic links are deleted,
   * not followed.
   *
   * @param root the tree to delete
   * @throws IOException on failure
   */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException ignored) {
          // removed concurrently: the outcome is the same
        }
      }
    }
  }

  /** Deletes a tree and swallows failures; for cleanup paths that must not mask an earlier error. */
  public static void deleteQuietly(Path root) {
    try {
      delete(root);
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }

  /** Returns the total size in bytes of the regular files under {@code root}. */
  public static long size(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }
}
