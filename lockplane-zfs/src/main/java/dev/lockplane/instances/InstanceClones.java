package dev.lockplane.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.instances.Manager;
import dev.lockplane.internal.instances.ManagerConfig;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Makes {@link InstanceCloneManager}s: instance-level clones on copy-on-write storage.
 *
 * <pre>{@code
 * CowStorage zfs = CowStorages.zfs("tank/lockplane");
 * try (InstanceCloneManager clones = InstanceClones.on(zfs)
 *         .golden(Golden.fromScripts(Path.of("db/schema.sql"), Path.of("db/seed.sql")))
 *         .portRange(46000, 46099)
 *         .start()) {
 *   InstanceClone c = clones.create("alice");   // own server, port, role and password
 *   try (Connection conn = c.dataSource().getConnection()) { ... }
 *   c.reset();                                 // back to the golden snapshot
 * }
 * }</pre>
 */
public final class InstanceClones {
  private InstanceClones() {}

  /**
   * Starts configuring a manager on a store.
   *
   * @param storage the copy-on-write storage (see {@link dev.lockplane.storage.CowStorages})
   * @return a builder
   */
  public static Builder on(CowStorage storage) {
    return new Builder(Objects.requireNonNull(storage, "storage"));
  }

  /**
   * Configures an {@link InstanceCloneManager}. Each setting may be given once; a second call fails
   * with a message naming the first value.
   */
  public static final class Builder {
    private final CowStorage storage;
    private Golden golden;
    private Integer version;
    private int[] ports;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String database;
    private Duration idleTimeout;
    private Integer keepSnapshots;
    private Boolean keepClonesOnClose;
    private ProgressListener listener;
    private Duration startTimeout;
    private LocalPostgres physicalSource;
    private boolean goldenFromStore;
    private Boolean standby;
    private String standbySlot;
    private Duration snapshotEvery;

    private Builder(CowStorage storage) {
      this.storage = storage;
    }

    private static void once(Object current, String what) {
      if (current != null) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, what + " was already set to " + current + "; set it once.");
      }
    }

    /**
     * What the golden database is made of (default: an empty database). Scripts run on a fresh
     * cluster; a physical server source ({@code Golden.fromServer(url, user, password).physical()})
     * is a base backup over the replication protocol that the golden server recovers from; a
     * {@link Golden#from(dev.lockplane.clone.GoldenSource) source} fills the empty data directory
     * (physical) or the golden database (logical), as a backup does ({@code repository.golden(id)}).
     * The golden is then stopped and snapshotted. A golden with the same content is reused from the
     * store.
     *
     * @param golden the golden
     * @return this builder
     */
    public Builder golden(Golden golden) {
      once(this.golden, "golden");
      if (goldenFromStore) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, "golden conflicts with goldenFromStore(), which is already set; use one.");
      }
      if (physicalSource != null) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, "golden conflicts with goldenCopyOf(" + physicalSource + "), which is already set; use one.");
      }
      Objects.requireNonNull(golden, "golden");
      if (golden instanceof Golden.FromDatabase) {
        throw new LockplaneException(
            ErrorCode.UNSUPPORTED,
            golden.describe() + " is a database-level golden. Use Golden.fromScripts(...), a server or a backup,"
                + " or database-level clones for a copy of a database.");
      }
      this.golden = golden;
      return this;
    }

    /**
     * Makes the golden a physical copy of a running local cluster ("physical provisioning"): its
     * data directory is copied between {@code pg_backup_start} and {@code pg_backup_stop}, so the
     * server keeps running and the copy is consistent. The copy is made anew at every
     * {@link #start()}; the version defaults to the source's.
     *
     * @param running the cluster to copy; this JVM must be able to read its data directory
     * @return this builder
     */
    public Builder goldenCopyOf(LocalPostgres running) {
      once(physicalSource, "goldenCopyOf");
      if (goldenFromStore) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, "goldenCopyOf conflicts with goldenFromStore(), which is already set; use one.");
      }
      Objects.requireNonNull(running, "running");
      if (golden != null) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, "goldenCopyOf conflicts with golden(" + golden.describe() + "), which is already set; use one.");
      }
      this.physicalSource = running;
      return this;
    }

    /**
     * Uses the golden already on the store, whatever it was made from, instead of building one: for
     * a process that only works with the clones an earlier manager made (the command line's {@code
     * clone list}, {@code reset}, {@code destroy}). {@link #start()} fails with {@code NOT_FOUND}
     * when the store has no golden. The clones run on the golden cluster's PostgreSQL version (a
     * base backup of a 15 server stays 15) unless {@link #version(int)} is given.
     *
     * @return this builder
     */
    public Builder goldenFromStore() {
      once(goldenFromStore ? Boolean.TRUE : null, "goldenFromStore");
      if (golden != null || physicalSource != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "goldenFromStore conflicts with "
            + (golden != null ? "golden(" + golden.describe() + ")" : "goldenCopyOf(" + physicalSource + ")")
            + ", which is already set; use one.");
      }
      this.goldenFromStore = true;
      return this;
    }

    /**
     * Keeps the golden a streaming standby of its physical server source ({@code
     * Golden.fromServer(url, user, password).physical()}), without a replication slot: a hot
     * standby on a volume of its own, running while the manager is open (and resumed by the next
     * manager on the store). Its snapshots — one at {@link #start()}, then every
     * {@link #snapshotEvery(Duration)} or on {@link InstanceCloneManager#snapshotGolden()} — become
     * the golden new clones copy; existing clones are untouched. Without a slot the source may
     * remove WAL the standby still needs; see {@link #standby(String)}.
     *
     * <pre>{@code
     * InstanceClones.on(storage)
     *     .golden(Golden.fromServer("postgres://db.internal/shop", "replicator", password).physical())
     *     .standby("lockplane_golden").snapshotEvery(Duration.ofMinutes(15)).keepSnapshots(4)
     *     .start();
     * }</pre>
     *
     * @return this builder
     */
    public Builder standby() {
      once(standby, "standby");
      this.standby = true;
      return this;
    }

    /**
     * Keeps the golden a streaming standby, as {@link #standby()}, that streams from a physical
     * replication slot created on the source with the base backup, so that the source keeps the
     * WAL the standby has not received. Drop the slot on the source when the standby is given up.
     *
     * @param slot the name of the slot to create, such as {@code lockplane_golden}
     * @return this builder
     */
    public Builder standby(String slot) {
      once(standby, "standby");
      if (!Objects.requireNonNull(slot, "slot").matches("[a-z0-9_]{1,63}")) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "'" + slot + "' is not a replication slot name: use lower-case letters, digits and underscores.");
      }
      this.standby = true;
      this.standbySlot = slot;
      return this;
    }

    /**
     * Snapshots the standby golden on a schedule (default: only at start and on demand). Each
     * snapshot becomes the golden; older ones are pruned by {@link #keepSnapshots(int)}.
     *
     * @param interval the time between the end of one snapshot and the start of the next, at
     *     least one second
     * @return this builder
     */
    public Builder snapshotEvery(Duration interval) {
      once(snapshotEvery, "snapshotEvery");
      if (Objects.requireNonNull(interval, "interval").compareTo(Duration.ofSeconds(1)) < 0) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "snapshotEvery must be at least 1 s, not " + interval + ".");
      }
      this.snapshotEvery = interval;
      return this;
    }

    /**
     * The PostgreSQL major version of the golden and the clones (default 18).
     *
     * @param major 13 to 18
     * @return this builder
     */
    public Builder version(int major) {
      once(version, "version");
      if (major < 13 || major > 18) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "PostgreSQL " + major + " is not supported; choose 13 to 18.");
      }
      this.version = major;
      return this;
    }

    /**
     * The ports clones' servers may listen on, inclusive (default 46000–46999). When all are taken,
     * {@code create} fails with {@code PORT_IN_USE}.
     *
     * @param from the lowest port
     * @param to the highest port
     * @return this builder
     */
    public Builder portRange(int from, int to) {
      once(ports == null ? null : ports[0] + "-" + ports[1], "portRange");
      if (from < 1024 || to > 65535 || from > to) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, "port range " + from + "-" + to + " is invalid; give 1024 <= from <= to <= 65535.");
      }
      this.ports = new int[] {from, to};
      return this;
    }

    /**
     * A server setting for the golden's and every clone's server, as in {@code postgresql.conf}.
     *
     * @param name the setting
     * @param value its value
     * @return this builder
     */
    public Builder setting(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      String old = settings.get(name);
      if (old != null) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION, "setting " + name + " was already set to '" + old + "'; set it once.");
      }
      settings.put(name, value);
      return this;
    }

    /**
     * The database the golden scripts run in and clones' {@code jdbcUrl} names (default
     * {@code postgres}); created in the golden when it does not exist.
     *
     * @param name the database name
     * @return this builder
     */
    public Builder database(String name) {
      once(database, "database");
      if (!Objects.requireNonNull(name, "name").matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "'" + name + "' is not a simple database name.");
      }
      this.database = name;
      return this;
    }

    /**
     * Destroys clones that had no session for this long (checked periodically), except protected
     * ones. Default: never.
     *
     * @param timeout the idle time
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      once(idleTimeout, "idleTimeout");
      if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "idleTimeout must be positive, not " + timeout + ".");
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Keeps only the newest {@code count} snapshots besides the golden (default: keep all). A snapshot
     * a clone was made from is never removed.
     *
     * @param count how many to keep, at least 0
     * @return this builder
     */
    public Builder keepSnapshots(int count) {
      once(keepSnapshots, "keepSnapshots");
      if (count < 0) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "keepSnapshots must be >= 0, not " + count + ".");
      }
      this.keepSnapshots = count;
      return this;
    }

    /**
     * Whether {@link InstanceCloneManager#close()} keeps every clone (stopping its server) instead of
     * destroying unprotected ones (default false).
     *
     * @param keep whether to keep the clones
     * @return this builder
     */
    public Builder keepClonesOnClose(boolean keep) {
      once(keepClonesOnClose, "keepClonesOnClose");
      this.keepClonesOnClose = keep;
      return this;
    }

    /**
     * Hears about long work (golden build, snapshots, clone lifecycle).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ProgressListener listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How long a server may take to accept connections (default 60 s).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      once(startTimeout, "startTimeout");
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Opens the store's registry, re-attaches to or restarts the clones of earlier managers, builds
     * the golden if the store has none with the same content, and returns the manager.
     *
     * @return the running manager
     * @throws dev.lockplane.ScriptException if a golden script fails, naming script and line
     * @throws LockplaneException with {@code IN_USE} if another manager holds the store
     */
    public InstanceCloneManager start() {
      if (physicalSource != null && version != null && version != physicalSource.majorVersion()) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION,
            "version(" + version + ") conflicts with goldenCopyOf a PostgreSQL " + physicalSource.majorVersion()
                + " cluster; a physical copy runs on the same major version. Drop version(...).");
      }
      boolean physicalServer = golden instanceof Golden.FromServer fs && fs.transfer() == Golden.Transfer.PHYSICAL;
      if (standby != null && !physicalServer) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "standby() needs a physical server golden,"
            + " golden(Golden.fromServer(url, user, password).physical()), not " + (golden == null ? "an empty golden"
            : physicalSource != null ? "goldenCopyOf(...)" : golden.describe()) + ".");
      }
      if (snapshotEvery != null && standby == null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "snapshotEvery(" + snapshotEvery + ") needs standby(): only a standby golden changes between snapshots.");
      }
      // a masked golden copied physically runs on its source's version too
      Golden base = golden instanceof Golden.Prepared p ? p.source() : golden;
      boolean physicalBase = base instanceof Golden.FromServer fs && fs.transfer() == Golden.Transfer.PHYSICAL
          || base instanceof Golden.FromSource src && src.source().form() == dev.lockplane.clone.GoldenSource.Form.PHYSICAL;
      if (physicalBase && golden instanceof Golden.Prepared prepared && prepared.subset() != null) {
        throw new LockplaneException(ErrorCode.UNSUPPORTED, "A subset of " + base.describe() + " is not possible: a"
            + " physical copy arrives file by file, not row by row. Read the source logically (Transfer.LOGICAL) to"
            + " subset it; a physical copy can be masked.");
      }
      int major = version != null ? version
          : physicalSource != null ? physicalSource.majorVersion()
          : base instanceof Golden.FromServer fs && fs.transfer() == Golden.Transfer.PHYSICAL
              ? dev.lockplane.internal.instances.BaseBackup.sourceMajorVersion(fs) // a base backup runs on its source's version
          : goldenFromStore ? dev.lockplane.internal.instances.StoreGolden.majorVersion(storage).orElse(18)
              : 18;
      return Manager.start(
          new ManagerConfig(
              storage,
              goldenFromStore ? null : golden == null ? Golden.empty() : golden,
              major,
              ports == null ? 46000 : ports[0],
              ports == null ? 46999 : ports[1],
              Map.copyOf(settings),
              database == null ? "postgres" : database,
              idleTimeout,
              keepSnapshots == null ? -1 : keepSnapshots,
              keepClonesOnClose != null && keepClonesOnClose,
              listener == null ? ProgressListener.NONE : listener,
              startTimeout == null ? Duration.ofSeconds(60) : startTimeout,
              physicalSource,
              standby != null,
              standbySlot,
              snapshotEvery));
    }
  }

}
