package dev.lockplane.backup;

import dev.lockplane.internal.backup.InstanceRecovery;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cluster recovered to a point in time in an instance-level clone on copy-on-write storage: its own
 * server on a clone of the base backup as restored, with the archived WAL replayed up to the target.
 * The restored base stays on the storage as volume {@link #baseVolume()} (snapshot {@code restored}),
 * so the next target from the same backup is a clone and a replay, not a restore; destroy it with
 * {@link CowStorage#destroy(String)} once no recovered clone uses it.
 *
 * <p>Closing stops the server and destroys the clone's volume. Closing twice is safe. To keep the
 * recovered data beyond this object (and the JVM), {@link #stopAndKeep()} stops the server and leaves
 * the volume; {@link #start(CowStorage, String)} starts its server again later, from any process, and
 * {@link #destroy(CowStorage, String)} removes it.
 *
 * <pre>{@code
 * repo.recover(RecoveryTarget.time(t1014)).intoInstanceClone(xfs, "at-1014").stopAndKeep();
 * // later, in another JVM
 * try (LocalPostgres at1014 = RecoveredInstanceClone.start(xfs, "at-1014")) { ... }
 * RecoveredInstanceClone.destroy(xfs, "at-1014");
 * }</pre>
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

  /**
   * Stops the server (a fast shutdown, so the cluster is clean) and leaves the clone's volume on the
   * storage, for {@link #start(CowStorage, String)} or {@link #destroy(CowStorage, String)}. Closing
   * afterwards does nothing.
   */
  public void stopAndKeep() {
    if (closed.compareAndSet(false, true)) {
      server.close();
    }
  }

  /**
   * Starts the server of a recovered clone kept on a storage by {@link #stopAndKeep()} (or left by a
   * process that ended without closing it).
   *
   * @param storage the storage
   * @param name the clone's name, as given to {@link RecoveryRequest#intoInstanceClone}
   * @return the running server, with a fresh port; closing it stops the server and keeps the volume
   * @throws BackupException {@code NOT_FOUND} when the storage holds no recovered clone of that name
   */
  public static LocalPostgres start(CowStorage storage, String name) {
    return InstanceRecovery.start(Objects.requireNonNull(storage, "storage"), Objects.requireNonNull(name, "name"));
  }

  /**
   * Destroys a recovered clone kept on a storage (its server must be stopped), and the restored base
   * backup it was cloned from when no other recovered clone on the storage uses it. Waits up to 30
   * minutes for a recovery that is restoring or cloning that base.
   *
   * @param storage the storage
   * @param name the clone's name
   * @return the destroyed volumes, the clone's first; empty when the storage holds no such clone
   */
  public static List<String> destroy(CowStorage storage, String name) {
    return InstanceRecovery.destroy(Objects.requireNonNull(storage, "storage"), Objects.requireNonNull(name, "name"),
        Duration.ofMinutes(30));
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
