package dev.lockplane.internal.fs;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls that reflinks and extent maps need (open, close and ioctl: FICLONE, FIEMAP), and
 * those that read and remove the System V shared memory a killed server left (shmat, shmdt, shmctl).
 */
public final class LibC {
  /** The calls, bound by jnr-ffi. */
  public interface Calls {
    @SaveError
    int open(String path, int flags, int mode);

    @SaveError
    int close(int fd);

    /** ioctl with an integer or pointer argument (both travel in a register on x86_64 and arm64). */
    @SaveError
    int ioctl(int fd, long request, long arg);

    /** Attaches a System V segment; its address, or -1. */
    @SaveError
    long shmat(int shmid, long address, int flags);

    @SaveError
    int shmdt(long address);

    /** shmctl with a pointer argument (0 for IPC_RMID). */
    @SaveError
    int shmctl(int shmid, int command, long buffer);
  }

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_CLOEXEC = 02000000;
  /** {@code _IOW(0x94, 9, int)}: clone all of a file's extents into another file. */
  public static final long FICLONE = 0x40049409L;
  /** {@code _IOWR('f', 11, struct fiemap)}: map a file's extents. */
  public static final long FS_IOC_FIEMAP = 0xC020660BL;
  /** shmctl: remove the segment once the last process detaches. */
  public static final int IPC_RMID = 0;
  /** shmat: attach for reading only. */
  public static final int SHM_RDONLY = 010000;

  public static final int EXDEV = 18;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOTTY = 25;
  public static final int EDQUOT = 122;

  private static volatile Calls calls;
  private static volatile Runtime runtime;

  private LibC() {}

  /** Returns the bound calls, loading libc on first use. */
  public static Calls calls() {
    Calls c = calls;
    if (c == null) {
      synchronized (LibC.class) {
        if (calls == null) {
          try {
            Calls loaded = LibraryLoader.create(Calls.class).load("c");
            runtime = Runtime.getRuntime(loaded);
            calls = loaded;
          } catch (RuntimeException | LinkageError e) {
            throw new LockplaneException(
                ErrorCode.UNSUPPORTED,
                "Cannot call libc through jnr-ffi (" + e + "); reflink clones need Linux with a"
                    + " loadable libc. Use plain copies instead (CowStorages.copy(path) for instance clones).",
                e);
          }
        }
        c = calls;
      }
    }
    return c;
  }

  /** Returns the errno saved by the last call on this thread. */
  public static int errno() {
    calls();
    return runtime.getLastError();
  }

  /** Returns the runtime that allocates native memory. */
  public static Runtime runtime() {
    calls();
    return runtime;
  }

  /** Returns the text of an errno value. */
  public static String describe(int errno) {
    return switch (errno) {
      case EXDEV -> "EXDEV (source and target on different filesystems)";
      case EINVAL -> "EINVAL (the filesystem cannot share these extents)";
      case ENOSPC -> "ENOSPC (no space left on device)";
      case EOPNOTSUPP -> "EOPNOTSUPP (the filesystem has no reflink support)";
      case ENOTTY -> "ENOTTY (the filesystem has no reflink support)";
      case EDQUOT -> "EDQUOT (disk quota exceeded)";
      default -> "errno " + errno;
    };
  }
}
