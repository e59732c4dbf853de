package dev.lockplane.internal.backup;

import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server started on a data directory of its own that goes with it: closing stops the server and
 * removes the directory, once, however often it is called.
 */
public final class TemporaryServer implements AutoCloseable {
  private final LocalPostgres server;
  private final Path directory;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Takes charge of a running server and its directory.
   *
   * @param server the running server
   * @param directory the directory removed after the server stops
   */
  public TemporaryServer(LocalPostgres server, Path directory) {
    this.server = server;
    this.directory = directory;
  }

  /** Returns the running server. */
  public LocalPostgres server() {
    return server;
  }

  /** Stops the server and removes its directory. */
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
}
