package dev.lockplane.internal.postgres;

import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jnr.constants.platform.Signal;

/**
 * What every module needs to know about a PostgreSQL server process it did not necessarily start:
 * whether a pid is the postmaster of a data directory, how to stop it, whether a port is free, and
 * the tail of its log. One implementation for the runtime, the reaper and instance clones.
 */
public final class Postmasters {
  private Postmasters() {}

  /**
   * Whether {@code pid} is a live postmaster serving {@code dataDirectory}: its pid file names it and,
   * where /proc tells, its working directory is the data directory (a postmaster runs there), so a
   * recycled pid or a pid file copied into a clone is not mistaken for a live server.
   *
   * @param pid the process id
   * @param dataDirectory the data directory
   * @return whether that process serves that directory
   */
  public static boolean isPostmasterOf(long pid, Path dataDirectory) {
    if (pid <= 0 || !Posix.isAlive(pid)) {
      return false;
    }
    if (pidFileOwner(dataDirectory) != pid) {
      return false;
    }
    try {
      Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd"));
      return cwd.equals(dataDirectory.toAbsolutePath().normalize());
    } catch (IOException | RuntimeException | Error e) {
      // No /proc or no right to read it: the pid file naming a live process is the best evidence left.
      return ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> c.endsWith("/postgres")).orElse(true);
    }
  }

  /**
   * The pid in a data directory's {@code postmaster.pid}, or -1 when there is none or it is unreadable.
   *
   * @param dataDirectory the data directory
   * @return the pid or -1
   */
  public static long pidFileOwner(Path dataDirectory) {
    try {
      Path pidFile = dataDirectory.resolve("postmaster.pid");
      return Files.isRegularFile(pidFile) ? Long.parseLong(Files.readAllLines(pidFile).get(0).trim()) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Stops a postmaster: fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL, each given
   * its time. Returns at once when the process is already gone.
   *
   * @param pid the postmaster's pid
   * @param fastMillis how long a fast shutdown may take
   * @return whether the process is gone
   */
  public static boolean stop(long pid, long fastMillis) {
    if (!Posix.isAlive(pid)) {
      return true;
    }
    Posix.kill(pid, Signal.SIGINT);
    if (waitGone(pid, fastMillis)) {
      return true;
    }
    return discard(pid);
  }

  /**
   * Stops a postmaster at once (immediate shutdown, no checkpoint, then SIGKILL): for data about to be
   * thrown away.
   *
   * @param pid the postmaster's pid
   * @return whether the process is gone
   */
  public static boolean discard(long pid) {
    if (!Posix.isAlive(pid)) {
      return true;
    }
    Posix.kill(pid, Signal.SIGQUIT);
    if (waitGone(pid, 5_000)) {
      return true;
    }
    Posix.kill(pid, Signal.SIGKILL);
    return waitGone(pid, 5_000);
  }

  /**
   * Waits until a process is gone.
   *
   * @param pid the process id
   * @param millis the longest wait
   * @return whether it is gone
   */
  public static boolean waitGone(long pid, long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (!Posix.isAlive(pid)) {
        return true;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return !Posix.isAlive(pid);
  }

  /**
   * Whether a TCP port on 127.0.0.1 can be bound now.
   *
   * @param port the port
   * @return whether it is free
   */
  public static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(false);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The last lines of a server log, from byte {@code from} on (at most the last 64 KiB).
   *
   * @param logFile the log, may be null
   * @param from the first byte to consider
   * @param maxLines how many lines at most
   * @return the lines, or a note when there is no readable log
   */
  public static String logTail(Path logFile, long from, int maxLines) {
    if (logFile == null || !Files.isRegularFile(logFile)) {
      return "(no server log)";
    }
    try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
      long start = Math.max(from, f.length() - 64 * 1024);
      f.seek(start);
      byte[] b = new byte[(int) (f.length() - start)];
      f.readFully(b);
      String[] lines = new String(b, StandardCharsets.UTF_8).split("\n");
      int first = Math.max(0, lines.length - maxLines);
      return String.join("\n", Arrays.copyOfRange(lines, first, lines.length));
    } catch (IOException e) {
      return "(server log unreadable: " + e.getMessage() + ")";
    }
  }
}
