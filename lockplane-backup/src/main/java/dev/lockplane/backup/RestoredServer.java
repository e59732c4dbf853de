package dev.lockplane.backup;

import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;

/**
 * A physical backup restored into a temporary data directory and started as its own server — a
 * private, queryable copy of the cluster as it was at backup time. Closing it stops the server and
 * removes the data directory. Closing twice is safe.
 */
public final class RestoredServer implements AutoCloseable {
  private final LocalPostgres server;
  private final Path directory;
  private final String backupId;

  RestoredServer(LocalPostgres server, Path directory, String backupId) {
    this.server = server;
    this.directory = directory;
    this.backupId = backupId;
  }

  /** Returns the running server. */
  public LocalPostgres server() {
    return server;
  }

  /** Returns the backup it was restored from. */
  public String backupId() {
    return backupId;
  }

  /** Stops the server and removes its data directory. */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      FileTrees.deleteQuietly(directory);
    }
  }

  @Override
  public String toString() {
    return "RestoredServer[backup " + backupId + ", " + server + "]";
  }
}
