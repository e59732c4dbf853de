package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.backup.PointInTimeRecovery;
import dev.lockplane.internal.backup.ProgressTracker;
import dev.lockplane.internal.backup.RecoveryPlanner;
import dev.lockplane.internal.backup.RepositoryEngine;
import dev.lockplane.internal.backup.WalCatalog;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Describes a point-in-time recovery: the newest physical backup that finished before the target
 * is restored, the archived WAL from its end on is replayed up to the target, and the cluster is
 * promoted — into a directory, a running server, or thin clones. {@link #plan()} says what would be
 * used, and why, without doing anything.
 *
 * <pre>{@code
 * try (RecoveredServer at1014 = repo.recover(RecoveryTarget.time(Instant.parse("2026-11-30T10:14:59Z"))).asServer()) {
 *   System.out.println(at1014.result().plan().reason());
 *   try (Connection c = at1014.server().connect("shop")) { ... }
 * }
 * }</pre>
 */
public final class RecoveryRequest {
  private final RepositoryEngine engine;
  private final WalCatalog catalog;
  private final RecoveryTarget target;
  private boolean overwrite;
  private Duration timeout = Duration.ofMinutes(30);
  private ProgressListener listener = ProgressListener.NONE;

  RecoveryRequest(RepositoryEngine engine, WalCatalog catalog, RecoveryTarget target) {
    this.engine = engine;
    this.catalog = catalog;
    this.target = Objects.requireNonNull(target, "target");
  }

  /**
   * Whether a non-empty target directory may be emptied. Default false.
   *
   * @param overwrite whether to replace
   * @return this request
   */
  public RecoveryRequest overwrite(boolean overwrite) {
    this.overwrite = overwrite;
    return this;
  }

  /**
   * How long PostgreSQL may take to replay the WAL (default 30 minutes).
   *
   * @param timeout the limit
   * @return this request
   */
  public RecoveryRequest timeout(Duration timeout) {
    if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "timeout must be positive, not " + timeout + ".");
    }
    this.timeout = timeout;
    return this;
  }

  /**
   * Receives progress (restoring the backup, staging WAL, replaying).
   *
   * @param listener the listener
   * @return this request
   */
  public RecoveryRequest progress(ProgressListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Chooses the base backup and the WAL, without restoring anything.
   *
   * @return the plan
   * @throws BackupException {@code INVALID_INPUT} for a target before the oldest backup or after the
   *     newest archived WAL, {@code NOT_FOUND} when the WAL to reach it is missing; the message says
   *     what the repository can reach
   */
  public RecoveryPlan plan() {
    return RecoveryPlanner.plan(engine, catalog, target).plan();
  }

  /**
   * Recovers into a data directory and stops the server: the directory then holds a cluster at the
   * target, owned by the account the server runs as, ready to start with {@code LocalPostgres}.
   *
   * @param directory the target directory, empty or missing
   * @return what was done
   */
  public RecoveryResult toDirectory(Path directory) {
    Path data = directory.toAbsolutePath().normalize();
    return PointInTimeRecovery.run(engine, catalog, RecoveryPlanner.plan(engine, catalog, target), data, overwrite, false,
        timeout, new ProgressTracker(listener)).result();
  }

  /**
   * Recovers into a new temporary data directory and leaves the server running: a private,
   * writable copy of the cluster at the target.
   *
   * @return the running server; close it to stop it and remove its data
   */
  public RecoveredServer asServer() {
    RecoveryPlanner.Chosen chosen = RecoveryPlanner.plan(engine, catalog, target);
    Path tmp;
    try {
      tmp = Files.createTempDirectory("lockplane-recovered-");
      if (Posix.isRoot()) {
        Posix.chmod(tmp, "rwx--x--x");
      }
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot create a temporary directory: " + e, chosen.plan().backupId(), null, e);
    }
    try {
      PointInTimeRecovery.Recovered r = PointInTimeRecovery.run(engine, catalog, chosen, tmp.resolve("data"), false, true,
          timeout, new ProgressTracker(listener));
      return new RecoveredServer(r.server(), tmp, r.result());
    } catch (RuntimeException e) {
      FileTrees.deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Recovers once (as {@link #asServer()} does) and offers one database of the recovered cluster as
   * the golden of thin clones: each clone is a private, writable copy of the data at the target.
   *
   * @param database the database to clone
   * @return the clones; close them to stop the recovered server and remove its data
   */
  public RestoredClones intoClones(String database) {
    Objects.requireNonNull(database, "database");
    RecoveredServer server = asServer();
    try {
      CloneManager clones = CloneManagers.databases(server.server()).golden(Golden.fromDatabase(database)).start();
      return new RestoredClones(clones, server, server.result().plan().backupId());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }
}
