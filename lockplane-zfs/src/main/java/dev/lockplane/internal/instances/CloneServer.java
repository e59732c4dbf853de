package dev.lockplane.internal.instances;

import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.constants.platform.Signal;

/**
 * The PostgreSQL server of a clone: either started by this JVM, or found running — started by a JVM
 * that went away — and re-attached by its pid.
 */
sealed interface CloneServer permits CloneServer.Owned, CloneServer.Adopted {
  int port();

  long pid();

  boolean isRunning();

  /** Stops the server (fast shutdown, which ends every session). Safe to call twice. */
  void stop();

  /**
   * Stops the server at once (immediate shutdown, no checkpoint), for data about to be thrown away
   * by a reset or destroy. Safe to call twice.
   */
  default void discard() {
    long pid = pid();
    if (isRunning() && Posix.kill(pid, Signal.SIGQUIT)) {
      long deadline = System.currentTimeMillis() + 5_000;
      while (Posix.isAlive(pid) && System.currentTimeMillis() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    stop();
  }

  /** The last lines of the server log, for FATAL states. */
  String logExcerpt();

  /**
   * Stops the server at once and removes its runtime files (log, socket directory): for a server
   * whose data is thrown away, so that a long-lived store does not pile up one log per start.
   */
  default void discardAndForget() {
    discard();
  }

  /** A server this JVM started. */
  record Owned(LocalPostgres pg) implements CloneServer {
    @Override
    public int port() {
      return pg.port();
    }

    @Override
    public long pid() {
      return pg.pid();
    }

    @Override
    public boolean isRunning() {
      return pg.isRunning();
    }

    @Override
    public void stop() {
      pg.close();
    }

    @Override
    public String logExcerpt() {
      return tail(pg.serverLog(), 30);
    }

    @Override
    public void discardAndForget() {
      discard();
      dev.lockplane.internal.fs.FileTrees.deleteQuietly(pg.serverLog().getParent());
    }
  }

  /**
   * A server found running from an earlier manager.
   *
   * @param pid the postmaster's pid
   * @param port its port
   * @param dataDirectory its data directory
   */
  record Adopted(long pid, int port, Path dataDirectory) implements CloneServer {
    @Override
    public boolean isRunning() {
      return isPostmasterOf(pid, dataDirectory);
    }

    @Override
    public void stop() {
      if (!isRunning()) {
        return;
      }
      Posix.kill(pid, Signal.SIGINT);
      if (waitGone(30_000)) {
        return;
      }
      Posix.kill(pid, Signal.SIGQUIT);
      if (waitGone(5_000)) {
        return;
      }
      Posix.kill(pid, Signal.SIGKILL);
      waitGone(5_000);
    }

    private boolean waitGone(long millis) {
      long deadline = System.currentTimeMillis() + millis;
      while (System.currentTimeMillis() < deadline) {
        if (!Posix.isAlive(pid)) {
          return true;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return !Posix.isAlive(pid);
    }

    @Override
    public String logExcerpt() {
      return "(server re-attached after its manager went away; its log is in the runtime directory)";
    }
  }

  /**
   * Whether {@code pid} is a postmaster serving {@code dataDirectory}: its pid file names it and its
   * working directory is the data directory (a postmaster runs there), so a recycled pid or the
   * golden's pid file copied into a clone is not mistaken for a live server.
   */
  static boolean isPostmasterOf(long pid, Path dataDirectory) {
    if (pid <= 0 || !Posix.isAlive(pid)) {
      return false;
    }
    try {
      Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd"));
      if (!cwd.equals(dataDirectory.toAbsolutePath().normalize())) {
        return false;
      }
      Path pidFile = dataDirectory.resolve("postmaster.pid");
      return Files.isRegularFile(pidFile)
          && Long.parseLong(Files.readAllLines(pidFile).get(0).trim()) == pid;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The pid in a data directory's postmaster.pid, or -1. */
  static long pidFileOwner(Path dataDirectory) {
    try {
      Path pidFile = dataDirectory.resolve("postmaster.pid");
      return Files.isRegularFile(pidFile) ? Long.parseLong(Files.readAllLines(pidFile).get(0).trim()) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static String tail(Path log, int lines) {
    if (log == null || !Files.isRegularFile(log)) {
      return "(no server log)";
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - 16 * 1024);
      f.seek(start);
      byte[] b = new byte[(int) (f.length() - start)];
      f.readFully(b);
      String[] ls = new String(b, StandardCharsets.UTF_8).split("\n");
      int first = Math.max(0, ls.length - lines);
      return String.join("\n", java.util.Arrays.copyOfRange(ls, first, ls.length));
    } catch (IOException e) {
      return "(server log unreadable: " + e + ")";
    }
  }
}
