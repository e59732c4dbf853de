package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.storage.CowStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Point-in-time recovery into instance-level clones on a copy-on-write storage: the base backup is
 * restored once into a volume of its own and snapshotted as restored (never started, so it can
 * still replay any WAL after it); each recovery target is a clone of that snapshot on which the
 * archived WAL is replayed up to the target. A second target from the same base costs a clone and
 * the replay, not a restore.
 */
public final class InstanceRecovery {
  private static final Logger LOG = Logger.getLogger(InstanceRecovery.class.getName());
  /** The snapshot of a base volume: the backup's files as restored. */
  public static final String SNAPSHOT = "restored";

  private InstanceRecovery() {}

  /** The volume holding a backup's restored files. */
  public static String baseVolume(String backupId) {
    return "pitr-base-" + backupId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
  }

  /** The volume of one recovery target. */
  public static String cloneVolume(String name) {
    return "pitr-" + name;
  }

  /**
   * Recovers into a new clone and leaves its server running.
   *
   * @param engine the repository
   * @param catalog its WAL archive
   * @param chosen the plan
   * @param storage the copy-on-write storage
   * @param name the clone's name (letters, digits, dashes)
   * @param timeout how long replay may take
   * @param progress progress
   * @return the recovered cluster, running on the clone's data directory
   */
  public static PointInTimeRecovery.Recovered intoClone(RepositoryEngine engine, WalCatalog catalog,
      RecoveryPlanner.Chosen chosen, CowStorage storage, String name, Duration timeout, ProgressTracker progress) {
    String backupId = chosen.backup().id();
    String base = baseVolume(backupId);
    String volume = cloneVolume(name);
    if (storage.exists(volume)) {
      throw new BackupException(ErrorCode.ALREADY_EXISTS, "Volume " + volume + " already exists on " + storage.describe()
          + ": close the recovered clone of that name first, or choose another name.", backupId, null, null);
    }
    if (!storage.exists(base) || !storage.snapshots(base).contains(SNAPSHOT)) {
      materialize(engine, chosen, storage, base, progress);
    }
    Path root = storage.clone(base, SNAPSHOT, volume);
    try {
      traversable(root);
      return PointInTimeRecovery.replay(catalog, chosen, root.resolve("data"), true, timeout, progress);
    } catch (RuntimeException e) {
      destroyQuietly(storage, volume);
      throw e;
    }
  }

  /** Restores the base backup into its own volume and snapshots it; a half-made base from a failed run is replaced. */
  private static void materialize(RepositoryEngine engine, RecoveryPlanner.Chosen chosen, CowStorage storage, String base,
      ProgressTracker progress) {
    if (storage.exists(base)) {
      storage.destroy(base);
    }
    Path root = storage.create(base);
    try {
      traversable(root);
      Restorer.restoreFiles(engine, chosen.backup(), root.resolve("data"), p -> true, false, progress);
      Restorer.makeDataDirectory(root.resolve("data"));
      storage.snapshot(base, SNAPSHOT);
    } catch (RuntimeException e) {
      destroyQuietly(storage, base);
      throw e;
    }
  }

  /** The server's account must reach the data directory inside the volume. */
  private static void traversable(Path root) {
    if (Posix.isRoot()) {
      try {
        Posix.chmod(root, "rwx--x--x");
      } catch (IOException e) {
        throw new BackupException(ErrorCode.IO_ERROR, "Cannot open " + root + " to the server's account: " + e, null, null, e);
      }
    }
  }

  /** Destroys a volume, logging what cannot be undone rather than hiding the failure that caused it. */
  public static void destroyQuietly(CowStorage storage, String volume) {
    try {
      if (storage.exists(volume)) {
        storage.destroy(volume);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Cannot destroy volume " + volume + " on " + storage.describe() + ": " + e.getMessage(), e);
    }
  }
}
