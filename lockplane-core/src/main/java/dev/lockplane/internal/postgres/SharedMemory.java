package dev.lockplane.internal.postgres;

import dev.lockplane.internal.fs.LibC;
import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import jnr.constants.platform.Signal;

/**
 * The shared memory of a postmaster that was killed (SIGKILL, the kernel's out-of-memory killer).
 *
 * <p>A server that shuts down, even immediately, removes its System V segment and its dynamic
 * shared memory segments ({@code /dev/shm/PostgreSQL.*}). A killed one leaves them, about a
 * megabyte each time, for the next server started on the same data directory to remove — and none
 * ever is when the directory is a clone's that a reset or destroy throws away, or a temporary
 * cluster. {@link #releaseLeftBy} removes them as that start would, and only what it would: the
 * segment named in the pid file, once no process is attached to it, whose header names this data
 * directory by device and inode, and the dynamic segments its control segment lists. A backend busy
 * in a query when its postmaster was killed runs on until the query ends; such processes are ended
 * first (SIGQUIT, as an immediate shutdown ends them).
 */
public final class SharedMemory {
  private static final System.Logger LOG = System.getLogger(SharedMemory.class.getName());
  /** {@code PGShmemMagic}, the first word of a server's System V segment. */
  private static final int SEGMENT_MAGIC = 679834894;
  /** {@code PG_DYNSHMEM_CONTROL_MAGIC}, the first word of the dynamic shared memory control segment. */
  private static final int CONTROL_MAGIC = 0x9a503d32;
  /** {@code sizeof(PGShmemHeader)} on 64-bit Linux; the control handle, device and inode offsets in it. */
  private static final int HEADER_SIZE = 56;
  private static final int HEADER_CONTROL = 24;
  private static final int HEADER_DEVICE = 40;
  private static final int HEADER_INODE = 48;
  /** The control segment's header (magic, item count, slot count), padded to its items' alignment. */
  private static final int CONTROL_ITEMS = 16;
  private static final Path DEV_SHM = Path.of("/dev/shm");
  private static final Path SYSV_SEGMENTS = Path.of("/proc/sysvipc/shm");

  private SharedMemory() {}

  /**
   * Removes the shared memory a killed postmaster of {@code dataDirectory} left, waiting up to five
   * seconds for its other processes to leave (see {@link #releaseLeftBy(Path, Duration)}).
   *
   * @param dataDirectory the data directory
   * @return the number of segments removed
   */
  public static int releaseLeftBy(Path dataDirectory) {
    return releaseLeftBy(dataDirectory, Duration.ofSeconds(5));
  }

  /**
   * Removes the shared memory a killed postmaster of {@code dataDirectory} left. Does nothing when
   * the server shut down (its pid file is gone), is still running, or when anything does not match;
   * never throws. Call it before the data directory is removed or replaced: the segment is known by
   * the directory's device and inode.
   *
   * @param dataDirectory the data directory
   * @param wait how long to wait for the killed server's other processes to leave
   * @return the number of segments removed
   */
  public static int releaseLeftBy(Path dataDirectory, Duration wait) {
    try {
      Path pidFile = dataDirectory.resolve("postmaster.pid");
      if (!Files.isRegularFile(pidFile)) {
        return 0;
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      // line 7: the segment's key and id, written once it exists
      String[] keyAndId = lines.size() < 7 ? new String[0] : lines.get(6).trim().split("\\s+");
      if (keyAndId.length != 2 || Postmasters.isPostmasterOf(Long.parseLong(lines.get(0).trim()), dataDirectory)) {
        return 0;
      }
      int key = (int) Long.parseUnsignedLong(keyAndId[0]);
      int id = Integer.parseInt(keyAndId[1]);
      OptionalInt attached = attached(key, id);
      // the header first: a pid file copied from another server's directory names that server's segment
      ByteBuffer header = attached.isEmpty() ? null : read(id);
      if (header == null || header.getInt(0) != SEGMENT_MAGIC
          || header.getLong(HEADER_DEVICE) != ((Number) Files.getAttribute(dataDirectory, "unix:dev")).longValue()
          || header.getLong(HEADER_INODE) != ((Number) Files.getAttribute(dataDirectory, "unix:ino")).longValue()) {
        return 0;
      }
      // A killed postmaster's children notice within moments and leave, except a backend busy in a
      // query, which looks only when it next waits: it is ended as an immediate shutdown would.
      long deadline = System.nanoTime() + wait.toNanos();
      if (attached.getAsInt() > 0) {
        endProcessesIn(dataDirectory);
        attached = attached(key, id);
      }
      while (attached.isPresent() && attached.getAsInt() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        attached = attached(key, id);
      }
      if (attached.isEmpty() || attached.getAsInt() > 0) {
        return 0;
      }
      long control = Integer.toUnsignedLong(header.getInt(HEADER_CONTROL));
      int removed = control == 0 ? 0 : releaseDynamic(control, majorVersion(dataDirectory));
      if (LibC.calls().shmctl(id, LibC.IPC_RMID, 0) == 0) {
        removed++;
      }
      LOG.log(Level.DEBUG, "Removed {0} shared memory segments left by the killed server of {1}", removed, dataDirectory);
      return removed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (IOException | RuntimeException | LinkageError e) {
      // no /proc, no libc, an unknown layout: the memory stays, as it would have anyway
      LOG.log(Level.DEBUG, "Cannot release the shared memory left by the server of " + dataDirectory + ": " + e);
      return 0;
    }
  }

  /** Sends SIGQUIT to the server processes still working in a data directory (their working directory). */
  private static void endProcessesIn(Path dataDirectory) throws IOException {
    Path data = dataDirectory.toRealPath();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      for (Path p : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          if (Files.readSymbolicLink(p.resolve("cwd")).equals(data)
              && Files.readString(p.resolve("comm")).trim().equals("postgres")) {
            Posix.kill(Long.parseLong(p.getFileName().toString()), Signal.SIGQUIT);
          }
        } catch (IOException | RuntimeException gone) {
          // ended meanwhile, or another user's process
        }
      }
    }
  }

  /** The number of processes attached to the segment, from the kernel's list; empty when it is gone. */
  private static OptionalInt attached(int key, int id) throws IOException {
    List<String> rows = Files.readAllLines(SYSV_SEGMENTS, StandardCharsets.US_ASCII);
    for (String row : rows.subList(Math.min(1, rows.size()), rows.size())) {
      String[] f = row.trim().split("\\s+");
      // key shmid perms size cpid lpid nattch ...
      if (f.length > 6 && f[1].equals(String.valueOf(id)) && (int) Long.parseLong(f[0]) == key) {
        return OptionalInt.of(Integer.parseInt(f[6]));
      }
    }
    return OptionalInt.empty();
  }

  private static ByteBuffer read(int id) {
    LibC.Calls c = LibC.calls();
    long address = c.shmat(id, 0, LibC.SHM_RDONLY);
    if (address == -1) {
      return null;
    }
    try {
      byte[] bytes = new byte[HEADER_SIZE];
      jnr.ffi.Pointer.wrap(LibC.runtime(), address).get(0, bytes, 0, bytes.length);
      return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    } finally {
      c.shmdt(address);
    }
  }

  /**
   * Removes the dynamic segments the control segment lists as in use, then the control segment.
   * Only the POSIX kind (Linux's default) lives in {@code /dev/shm}; the {@code mmap} kind lives in
   * the data directory and goes with it.
   */
  private static int releaseDynamic(long control, int majorVersion) throws IOException {
    Path controlFile = DEV_SHM.resolve("PostgreSQL." + control);
    if (!Files.isRegularFile(controlFile) || Files.size(controlFile) > 64L << 20) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(controlFile)).order(ByteOrder.nativeOrder());
    if (b.capacity() < CONTROL_ITEMS || b.getInt(0) != CONTROL_MAGIC) {
      return 0;
    }
    long items = Integer.toUnsignedLong(b.getInt(4));
    long slots = Integer.toUnsignedLong(b.getInt(8));
    // The segment is exactly as large as its slots; the slot's size differs between versions.
    if (slots == 0 || items > slots || (b.capacity() - CONTROL_ITEMS) % slots != 0) {
      return 0;
    }
    long slot = (b.capacity() - CONTROL_ITEMS) / slots;
    if (slot < 8) {
      return 0;
    }
    int removed = 0;
    for (long i = 0; i < items; i++) {
      int at = (int) (CONTROL_ITEMS + i * slot);
      long handle = Integer.toUnsignedLong(b.getInt(at));
      long references = Integer.toUnsignedLong(b.getInt(at + 4));
      // a free slot; from 14 on, an odd handle names a part of the main shared memory, not a file
      if (references == 0 || (majorVersion >= 14 && (handle & 1) == 1)) {
        continue;
      }
      if (Files.deleteIfExists(DEV_SHM.resolve("PostgreSQL." + handle))) {
        removed++;
      }
    }
    Files.delete(controlFile);
    return removed + 1;
  }

  private static int majorVersion(Path dataDirectory) {
    try {
      return Integer.parseInt(Files.readString(dataDirectory.resolve("PG_VERSION")).trim());
    } catch (IOException | NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }
}
