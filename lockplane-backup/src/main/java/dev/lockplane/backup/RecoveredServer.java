package dev.lockplane.backup;

import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cluster recovered to a point in time and running as its own server: a private, writable copy
 * of the data as it was at the target, started without touching the source. Closing it stops the
 * server and removes its data. Closing twice is safe.
 */
public final class RecoveredServer implements AutoCloseable {
  private final LocalPostgres server;
  private final Path directory;
  private final RecoveryResult result;
  private final AtomicBoolean closed = new AtomicBoolean();

  RecoveredServer(LocalPostgres server, Path directory, RecoveryResult result) {
    this.server = server;
    this.directory = directory;
    this.result = result;
  }

  /** Returns the running server. */
  public LocalPostgres server() {
    return server;
  }

  /** Returns what the recovery did. */
  public RecoveryResult result() {
    return result;
  }

  /** Stops the server and removes its data directory. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } finally {
      FileTrees.deleteQuietly(directory);
    }
  }

  @Override
  public String toString() {
    return "RecoveredServer[" + result.plan().target().describe() + " from backup " + result.plan().backupId() + ", " + server + "]";
  }
}
