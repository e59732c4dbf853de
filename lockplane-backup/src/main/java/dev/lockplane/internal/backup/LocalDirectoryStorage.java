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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/** Objects as files under a directory; a key's slashes become subdirectories. */
public final class LocalDirectoryStorage implements BackupStorage {
  private final Path root;

  /**
   * Creates the storage.
   *
   * @param root the directory
   */
  public LocalDirectoryStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR,
          "Cannot create the backup repository directory " + this.root + ": " + e + ". Check the path and its permissions.", e);
    }
  }

  private Path path(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("//")) {
      throw new IllegalArgumentException("invalid object key '" + key + "'");
    }
    for (String part : key.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("invalid object key '" + key + "'");
      }
    }
    return root.resolve(key);
  }

  @Override
  public OutputStream create(String key) throws IOException {
    Path p = path(key);
    Files.createDirectories(p.getParent());
    return Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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
