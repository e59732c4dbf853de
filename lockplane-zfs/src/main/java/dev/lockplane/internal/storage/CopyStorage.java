package dev.lockplane.internal.storage;

import dev.lockplane.clone.CopyMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** A directory store whose copies are plain byte copies: correct on any filesystem, linear in size. */
public final class CopyStorage extends DirectoryStorage {
  /**
   * Opens a store.
   *
   * @param root the root directory
   */
  public CopyStorage(Path root) {
    super(root);
  }

  @Override
  public String id() {
    return "copy:" + root;
  }

  @Override
  public CopyMethod method() {
    return CopyMethod.COPY;
  }

  @Override
  public boolean constantTime() {
    return false;
  }

  @Override
  public String describe() {
    return "plain copies on " + ReflinkStorage.fsType(root) + " at " + root;
  }

  @Override
  protected void copyFile(Path source, Path target) throws IOException {
    Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  protected long ownBytes(Path file) {
    return allocated(file);
  }
}
