package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.backup.LossComparer;
import dev.lockplane.internal.backup.PointInTimeRecovery;
import dev.lockplane.internal.backup.ProgressTracker;
import dev.lockplane.internal.backup.RecoveryPlanner;
import dev.lockplane.internal.backup.RepositoryEngine;
import dev.lockplane.internal.backup.WalCatalog;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.internal.sql.JdbcUrls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
  private Duration lockTimeout = Duration.ofMinutes(30);
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
   * How long {@link #intoInstanceClone} waits while another recovery (in this or another process)
   * restores the same base backup into the storage, or clones it (default 30 minutes). The wait ends
   * as soon as the other is done, and this recovery then clones the base it made.
   *
   * @param timeout the limit
   * @return this request
   */
  public RecoveryRequest lockTimeout(Duration timeout) {
    if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "lock timeout must be positive, not " + timeout + ".");
    }
    this.lockTimeout = timeout;
    return this;
  }

  /**
   * Receives progress: restoring the backup ({@code RESTORING}), then starting the server, which
   * replays while the archived WAL is fetched ahead of it ({@code DRILLING}), then {@code DONE}.
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
   * @throws BackupException {@code INVALID_INPUT} for a target before the oldest backup, after the
   *     newest archived WAL or (a time) at or after the last archived commit, {@code NOT_FOUND} when
   *     the WAL to reach it is missing or no archived segment holds a restore point of that name; the
   *     message says what the repository can reach, and which restore points it holds
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

  /**
   * Estimates what restoring the live database to the target would lose, without touching it:
   * recovers the target into a temporary server (as {@link #asServer()} does), compares each table
   * of the live connection's database with the recovered one (see {@link LossEstimate}), and
   * removes the recovered copy.
   *
   * <pre>{@code
   * try (Connection prod = DriverManager.getConnection(url, "reader", password)) {
   *   LossEstimate loss = repo.recover(RecoveryTarget.time(at)).lossEstimate(prod);
   *   loss.describe().forEach(System.out::println);   // restoring shop to ... loses 1,243 rows in public.orders ...
   * }
   * }</pre>
   *
   * @param live a connection to the live database; it is only read (a read-only role is enough, with
   *     {@code SELECT} on the tables), and left in the auto-commit mode it had
   * @return the estimate
   * @throws BackupException {@code NOT_FOUND} when the recovered cluster has no database of the live
   *     connection's name, {@code DATABASE_ERROR} when the live database cannot be read
   */
  public LossEstimate lossEstimate(Connection live) {
    Objects.requireNonNull(live, "live");
    String database;
    try (Statement s = live.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      database = rs.getString(1);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the live connection's database name: "
          + e.getMessage() + ". Check the connection.", e);
    }
    try (RecoveredServer server = asServer()) {
      Connection recovered;
      try {
        recovered = server.server().connect(database);
      } catch (RuntimeException e) {
        throw new BackupException(ErrorCode.NOT_FOUND, "The cluster recovered to " + target.describe() + " from backup "
            + server.result().plan().backupId() + " has no database " + database + " (it was created after the target, or the"
            + " live connection is to another server); nothing to compare.", server.result().plan().backupId(), null, e);
      }
      try (recovered) {
        return LossComparer.compare(server.result(), recovered, live, database,
            dev.lockplane.internal.backup.IndexedWal.commitsAfter(catalog, server.result().plan()));
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Closing the connection to the recovered copy failed: "
          + e.getMessage(), e);
    }
  }

  /**
   * Estimates the loss (see {@link #lossEstimate(Connection)}) of the database at a URL.
   *
   * @param url the live database: {@code jdbc:postgresql://host:port/db} or {@code postgres://user@host:port/db}
   * @param user the user, or {@code null} for the URL's
   * @param password the password, or {@code null} for the URL's or none
   * @return the estimate
   */
  public LossEstimate lossEstimate(String url, String user, String password) {
    Objects.requireNonNull(url, "url");
    String jdbc = JdbcUrls.toJdbc(url);
    java.util.Properties p = new java.util.Properties();
    String u = user != null ? user : JdbcUrls.userOf(url);
    String pw = password != null ? password : JdbcUrls.passwordOf(url);
    if (u != null) {
      p.setProperty("user", u);
    }
    if (pw != null) {
      p.setProperty("password", pw);
    }
    try (Connection live = new org.postgresql.Driver().connect(jdbc, p)) {
      if (live == null) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "'" + JdbcUrls.redact(url) + "' is not a PostgreSQL URL.");
      }
      live.setReadOnly(true);
      return lossEstimate(live);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot connect to the live database "
          + JdbcUrls.redact(jdbc) + ": " + JdbcUrls.redact(String.valueOf(e.getMessage()))
          + ". Check the URL and credentials.", e);
    }
  }

  /**
   * Recovers into an instance-level clone on copy-on-write storage (ZFS, reflink on XFS/btrfs): the
   * base backup is restored once into a volume of the storage and snapshotted as restored; each
   * recovery target is then a clone of that snapshot with the archived WAL replayed up to the
   * target, running as its own server. Recovering several targets from one backup restores it once.
   *
   * <pre>{@code
   * CowStorage zfs = CowStorages.zfs("tank/lockplane");
   * try (RecoveredInstanceClone at1014 = repo.recover(RecoveryTarget.time(t1014)).intoInstanceClone(zfs, "at-1014");
   *     RecoveredInstanceClone at1015 = repo.recover(RecoveryTarget.time(t1015)).intoInstanceClone(zfs, "at-1015")) {
   *   ...
   * }
   * }</pre>
   *
   * @param storage the storage (needs lockplane-zfs on the module or class path)
   * @param name the clone's name: letters, digits and dashes; its volume is {@code pitr-NAME}
   * @return the running clone; close it to stop its server and destroy its volume, or keep it with
   *     {@link RecoveredInstanceClone#stopAndKeep()}
   * @throws BackupException {@code ALREADY_EXISTS} when the storage already holds a volume of that name,
   *     {@code IN_USE} when another recovery holds the base volume for longer than the
   *     {@linkplain #lockTimeout(Duration) lock timeout}
   */
  public RecoveredInstanceClone intoInstanceClone(dev.lockplane.storage.CowStorage storage, String name) {
    Objects.requireNonNull(storage, "storage");
    if (!Objects.requireNonNull(name, "name").matches("[A-Za-z0-9][A-Za-z0-9-]{0,62}")) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "'" + name + "' is not a clone name: use 1 to 63 letters, digits"
          + " and dashes, starting with a letter or digit.");
    }
    RecoveryPlanner.Chosen chosen = RecoveryPlanner.plan(engine, catalog, target);
    PointInTimeRecovery.Recovered r = dev.lockplane.internal.backup.InstanceRecovery.intoClone(engine, catalog, chosen, storage,
        name, timeout, lockTimeout, new ProgressTracker(listener));
    return new RecoveredInstanceClone(r.server(), r.result(), storage,
        dev.lockplane.internal.backup.InstanceRecovery.cloneVolume(name),
        dev.lockplane.internal.backup.InstanceRecovery.baseVolume(chosen.backup().id()));
  }
}
