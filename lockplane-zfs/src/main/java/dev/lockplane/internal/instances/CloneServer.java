package dev.lockplane.internal.instances;

import dev.lockplane.internal.postgres.Postmasters;
import dev.lockplane.internal.postgres.SharedMemory;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;

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
    if (isRunning()) {
      Postmasters.discard(pid());
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
      return Postmasters.logTail(pg.serverLog(), 0, 30);
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
      return Postmasters.isPostmasterOf(pid, dataDirectory);
    }

    @Override
    public void stop() {
      if (isRunning()) {
        Postmasters.stop(pid, 30_000);
      }
      SharedMemory.releaseLeftBy(dataDirectory);
    }

    @Override
    public String logExcerpt() {
      return "(server re-attached after its manager went away; its log is in the runtime directory)";
    }
  }
}
