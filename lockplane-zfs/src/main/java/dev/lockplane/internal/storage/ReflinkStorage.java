package dev.lockplane.internal.storage;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.internal.fs.LibC;
import dev.lockplane.internal.fs.Reflinks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A directory store whose copies are reflinks ({@code FICLONE}): the copy shares the source's
 * extents, so it costs metadata only, on XFS with {@code reflink=1} and on btrfs.
 */
public final class ReflinkStorage extends DirectoryStorage {
  private static final int EXTENTS = 256;
  private static final int FIEMAP_HEADER = 32;
  private static final int FIEMAP_EXTENT = 56;
  private static final int FIEMAP_FLAG_SYNC = 0x1;
  private static final int FIEMAP_EXTENT_LAST = 0x1;
  private static final int FIEMAP_EXTENT_SHARED = 0x2000;

  private final String fsType;

  /**
   * Opens a store on a reflink-capable filesystem.
   *
   * @param root the root directory
   * @throws LockplaneException with {@code UNSUPPORTED} when the filesystem cannot reflink
   */
  public ReflinkStorage(Path root) {
    super(root);
    this.fsType = fsType(this.root);
    String why = probe(this.root);
    if (why != null) {
      throw new LockplaneException(
          ErrorCode.UNSUPPORTED,
          "The filesystem of " + this.root + " (" + fsType + ") cannot make reflinks: " + why
              + ". Put the store on XFS made with 'mkfs.xfs -m reflink=1' or on btrfs, use"
              + " CowStorages.zfs(dataset), or CowStorages.copy(path) for plain copies.");
    }
  }

  /**
   * Tries a reflink in a directory.
   *
   * @param dir a directory on the filesystem to test
   * @return {@code null} when reflinks work, else why not
   */
  public static String probe(Path dir) {
    return Reflinks.probe(dir);
  }


  /** Returns the filesystem type of a path, as the kernel names it. */
  static String fsType(Path p) {
    try {
      return Files.getFileStore(p).type();
    } catch (IOException e) {
      return "unknown filesystem";
    }
  }

  @Override
  public String id() {
    return "reflink:" + root;
  }

  @Override
  public CopyMethod method() {
    return CopyMethod.REFLINK;
  }

  @Override
  public boolean constantTime() {
    return true;
  }

  @Override
  public String describe() {
    return "reflink (FICLONE) copies on " + fsType + " at " + root;
  }

  @Override
  protected void copyFile(Path source, Path target) throws IOException {
    Reflinks.cloneFile(source, target);
  }



  @Override
  protected long ownBytes(Path file) throws IOException {
    LibC.Calls c = LibC.calls();
    int fd = c.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("cannot open " + file + ": " + LibC.describe(LibC.errno()));
    }
    try {
      Pointer buf = Memory.allocateDirect(LibC.runtime(), FIEMAP_HEADER + EXTENTS * FIEMAP_EXTENT);
      long start = 0;
      long own = 0;
      while (true) {
        buf.setMemory(0, FIEMAP_HEADER + (long) EXTENTS * FIEMAP_EXTENT, (byte) 0);
        buf.putLong(0, start);
        buf.putLong(8, Long.MAX_VALUE - start);
        buf.putInt(16, FIEMAP_FLAG_SYNC);
        buf.putInt(24, EXTENTS);
        if (c.ioctl(fd, LibC.FS_IOC_FIEMAP, buf.address()) != 0) {
          // no extent map: count the allocation as the file's own
          return allocated(file);
        }
        int mapped = buf.getInt(20);
        if (mapped == 0) {
          return own;
        }
        long next = start;
        boolean last = false;
        for (int i = 0; i < mapped; i++) {
          long off = FIEMAP_HEADER + (long) i * FIEMAP_EXTENT;
          long logical = buf.getLong(off);
          long length = buf.getLong(off + 16);
          int flags = buf.getInt(off + 40);
          if ((flags & FIEMAP_EXTENT_SHARED) == 0) {
            own += length;
          }
          next = logical + length;
          last |= (flags & FIEMAP_EXTENT_LAST) != 0;
        }
        if (last || next <= start) {
          return own;
        }
        start = next;
      }
    } finally {
      c.close(fd);
    }
  }

}
