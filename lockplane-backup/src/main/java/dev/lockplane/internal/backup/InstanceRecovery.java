package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  /** Beside the data directory in a base volume, and so in each clone of it: the base volume's name. */
  static final String BASE_FILE = "base-volume";

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
   * @param lockTimeout how long to wait for another recovery using the same base volume
   * @param progress progress
   * @return the recovered cluster, running on the clone's data directory
   */
  public static PointInTimeRecovery.Recovered intoClone(RepositoryEngine engine, WalCatalog catalog,
      RecoveryPlanner.Chosen chosen, CowStorage storage, String name, Duration timeout, Duration lockTimeout,
      ProgressTracker progress) {
    String backupId = chosen.backup().id();
    String base = baseVolume(backupId);
    String volume = cloneVolume(name);
    if (storage.exists(volume)) {
      throw new BackupException(ErrorCode.ALREADY_EXISTS, "Volume " + volume + " already exists on " + storage.describe()
          + ": close the recovered clone of that name first, or choose another name.", backupId, null, null);
    }
    Path root;
    // made and cloned under the lock: a second recovery from this backup waits and then clones the same snapshot
    try (BaseVolumeLock lock = BaseVolumeLock.acquire(storage, base, backupId, lockTimeout)) {
      if (!storage.exists(base) || !storage.snapshots(base).contains(SNAPSHOT)) {
        materialize(engine, chosen, storage, base, progress);
      }
      root = storage.clone(base, SNAPSHOT, volume);
    }
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
    LOG.info(() -> "Restoring backup " + chosen.backup().id() + " into volume " + base + " on " + storage.describe());
    Path root = storage.create(base);
    try {
      traversable(root);
      Files.writeString(root.resolve(BASE_FILE), base + "\n", StandardCharsets.UTF_8);
      Restorer.restoreFiles(engine, chosen.backup(), root.resolve("data"), p -> true, false, progress);
      Restorer.makeDataDirectory(root.resolve("data"));
      storage.snapshot(base, SNAPSHOT);
    } catch (IOException e) {
      destroyQuietly(storage, base);
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot write into volume " + base + " on " + storage.describe() + ": " + e,
          chosen.backup().id(), null, e);
    } catch (RuntimeException e) {
      destroyQuietly(storage, base);
      throw e;
    }
  }

  /**
   * Starts the server of a recovered clone kept on the storage (its cluster is promoted and has
   * Lockplane's password file, so it starts like any cluster Lockplane made).
   *
   * @param storage the storage
   * @param name the clone's name
   * @return the running server; closing it stops it and keeps the volume
   */
  public static LocalPostgres start(CowStorage storage, String name) {
    String volume = cloneVolume(name);
    if (!storage.exists(volume)) {
      throw new BackupException(ErrorCode.NOT_FOUND, "No recovered clone " + name + " on " + storage.describe() + " (no volume "
          + volume + "). Recover one first: lockplane recover --to TIME --into-instance-clone " + name + ".", null, null, null);
    }
    refuseBase(storage, name);
    Path data = storage.path(volume).resolve("data");
    int major;
    try {
      major = Integer.parseInt(Files.readString(data.resolve("PG_VERSION"), StandardCharsets.UTF_8).trim());
    } catch (IOException | NumberFormatException e) {
      throw new BackupException(ErrorCode.CORRUPTED, "Volume " + volume + " on " + storage.describe() + " holds no cluster ("
          + data.resolve("PG_VERSION") + " is unreadable: " + e.getMessage() + "). Destroy it and recover again.", null, null, e);
    }
    return LocalPostgres.builder().version(major).dataDirectory(data).start();
  }

  /**
   * Destroys a recovered clone's volume, and then the base volume it was cloned from when no other
   * recovered clone on the storage uses it.
   *
   * @param storage the storage
   * @param name the clone's name
   * @param lockTimeout how long to wait for a recovery using the base volume
   * @return the destroyed volumes, the clone's first; empty when there was no such clone
   */
  public static List<String> destroy(CowStorage storage, String name, Duration lockTimeout) {
    String volume = cloneVolume(name);
    List<String> destroyed = new ArrayList<>();
    if (!storage.exists(volume)) {
      return destroyed;
    }
    refuseBase(storage, name);
    refuseIfRunning(storage, name);
    String base = baseOf(storage, volume);
    if (base == null) {
      storage.destroy(volume);
      destroyed.add(volume);
      return destroyed;
    }
    try (BaseVolumeLock lock = BaseVolumeLock.acquire(storage, base, base, lockTimeout)) {
      storage.destroy(volume);
      destroyed.add(volume);
      boolean used = storage.volumes().stream()
          .anyMatch(v -> v.startsWith("pitr-") && !v.equals(base) && base.equals(baseOf(storage, v)));
      if (!used && storage.exists(base)) {
        storage.destroy(base);
        destroyed.add(base);
      }
    }
    return destroyed;
  }

  /** A name such as {@code base-<backup>} reaches a restored base, which is never started and outlives its clones. */
  private static void refuseBase(CowStorage storage, String name) {
    String volume = cloneVolume(name);
    if (volume.equals(baseOf(storage, volume))) {
      throw new BackupException(ErrorCode.INVALID_INPUT, "Volume " + volume + " on " + storage.describe() + " is a restored base"
          + " backup, not a recovered clone: it is never started, and it is removed with the last clone made from it.",
          null, null, null);
    }
  }

  /** A clone whose server runs (a live postmaster.pid) is someone's: destroying it would pull the files from under it. */
  private static void refuseIfRunning(CowStorage storage, String name) {
    Path pidFile = storage.path(cloneVolume(name)).resolve("data/postmaster.pid");
    long pid;
    try {
      pid = Files.isRegularFile(pidFile) ? Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim()) : -1;
    } catch (IOException | RuntimeException e) {
      pid = -1;
    }
    if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new BackupException(ErrorCode.IN_USE, "The server of recovered clone " + name + " runs (pid " + pid + ") on "
          + storage.describe() + ": stop what serves it (Ctrl-C in the command serving it) first.", null, null, null);
    }
  }

  /** The base volume a volume was cloned from, or null when it does not say (a base made before it said). */
  private static String baseOf(CowStorage storage, String volume) {
    try {
      Path f = storage.path(volume).resolve(BASE_FILE);
      return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).trim() : null;
    } catch (IOException | RuntimeException e) {
      return null;
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
