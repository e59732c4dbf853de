package dev.lockplane.backup;

import dev.lockplane.internal.backup.TemporaryServer;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;

/**
 * A cluster recovered to a point in time and running as its own server: a private, writable copy
 * of the data as it was at the target, started without touching the source. Closing it stops the
 * server and removes its data. Closing twice is safe.
 */
public final class RecoveredServer implements AutoCloseable {
  private final TemporaryServer server;
  private final RecoveryResult result;

  RecoveredServer(LocalPostgres server, Path directory, RecoveryResult result) {
    this.server = new TemporaryServer(server, directory);
    this.result = result;
  }

  /** Returns the running server. */
  public LocalPostgres server() {
    return server.server();
  }

  /** Returns what the recovery did. */
  public RecoveryResult result() {
    return result;
  }

  /** Stops the server and removes its data directory. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "RecoveredServer[" + result.plan().target().describe() + " from backup " + result.plan().backupId() + ", " + server.server() + "]";
  }
}
