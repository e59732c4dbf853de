package dev.lockplane.backup;

import dev.lockplane.internal.backup.TemporaryServer;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;

/**
 * A physical backup restored into a temporary data directory and started as its own server — a
 * private, queryable copy of the cluster as it was at backup time. Closing it stops the server and
 * removes the data directory. Closing twice is safe.
 */
public final class RestoredServer implements AutoCloseable {
  private final TemporaryServer server;
  private final String backupId;

  RestoredServer(LocalPostgres server, Path directory, String backupId) {
    this.server = new TemporaryServer(server, directory);
    this.backupId = backupId;
  }

  /** Returns the running server. */
  public LocalPostgres server() {
    return server.server();
  }

  /** Returns the backup it was restored from. */
  public String backupId() {
    return backupId;
  }

  /** Stops the server and removes its data directory. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "RestoredServer[backup " + backupId + ", " + server.server() + "]";
  }
}
