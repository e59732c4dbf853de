package dev.lockplane.backup;

import dev.lockplane.internal.backup.InstanceRecovery;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cluster recovered to a point in time in an instance-level clone on copy-on-write storage: its own
 * server on a clone of the base backup as restored, with the archived WAL replayed up to the target.
 * The restored base stays on the storage as volume {@link #baseVolume()} (snapshot {@code restored}),
 * so the next target from the same backup is a clone and a replay, not a restore; destroy it with
 * {@link CowStorage#destroy(String)} once no recovered clone uses it.
 *
 * <p>Closing stops the server and destroys the clone's volume. Closing twice is safe.
 */
public final class RecoveredInstanceClone implements AutoCloseable {
  private final LocalPostgres server;
  private final RecoveryResult result;
  private final CowStorage storage;
  private final String volume;
  private final String baseVolume;
  private final AtomicBoolean closed = new AtomicBoolean();

  RecoveredInstanceClone(LocalPostgres server, RecoveryResult result, CowStorage storage, String volume, String baseVolume) {
    this.server = server;
    this.result = result;
    this.storage = storage;
    this.volume = volume;
    this.baseVolume = baseVolume;
  }

  /** Returns the running server. */
  public LocalPostgres server() {
    return server;
  }

  /** Returns what the recovery did. */
  public RecoveryResult result() {
    return result;
  }

  /** Returns the clone's volume on the storage. */
  public String volume() {
    return volume;
  }

  /** Returns the volume holding the restored base backup that the clone was made from. */
  public String baseVolume() {
    return baseVolume;
  }

  /** Stops the server and destroys the clone's volume. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } finally {
      InstanceRecovery.destroyQuietly(storage, volume);
    }
  }

  @Override
  public String toString() {
    return "RecoveredInstanceClone[" + result.plan().target().describe() + " from backup " + result.plan().backupId() + ", volume "
        + volume + " on " + storage.describe() + ", " + server + "]";
  }
}
