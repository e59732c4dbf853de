package dev.lockplane.internal.testkit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removes the testkit's scratch directories (SQLite files, instance-clone stores). */
final class ScratchDirectories {
  private ScratchDirectories() {}

  /** Deletes a directory tree, leaving what cannot be deleted (a busy mount, say): it is scratch. */
  static void deleteQuietly(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) {
          delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // scratch: what is left is in the temporary directory
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // see deleteQuietly
    }
  }
}
