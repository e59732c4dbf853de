package dev.lockplane.internal.clone;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneStrategy;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.golden.MaskingReport;
import dev.lockplane.golden.SubsetReport;
import dev.lockplane.internal.golden.LogicalLoaders;
import dev.lockplane.internal.golden.MigrationGoldens;
import dev.lockplane.internal.golden.PreparationReports;
import dev.lockplane.internal.sql.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Database-level clones on one PostgreSQL server: snapshots are template databases that accept no
 * connections, clones are {@code CREATE DATABASE … TEMPLATE … STRATEGY …} copies of them.
 */
public final class DatabaseCloneManager extends ManagedCloneManager<DatabaseClone> {
  private static final System.Logger LOG = System.getLogger(DatabaseCloneManager.class.getName());
  private static final int BUSY_RETRIES = 50;

  private final ServerEndpoint endpoint;
  private final AdminConnections admin;
  private final String prefix;
  /** This manager's id in the owner records of its databases. */
  private final String id;
  private final Golden source;
  private final GoldenOptions options;
  private final Object refreshing = new Object();
  private final java.util.Set<String> warnedStale = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.ScheduledExecutorService refresher;
  /** Whether clones and snapshots outlive this manager (see {@link PersistentDatabases}). */
  private final boolean persistent;
  /** Where clones and snapshots go in memory, or null for the default tablespace. */
  private final MemoryTablespace memory;

  /**
   * Prepares (or reuses) the golden database and returns a ready manager.
   *
   * @param endpoint the server
   * @param golden what the golden holds
   * @param prefix the prefix of every database this manager creates
   * @param method the copy method, or {@code null} to choose
   * @param localFilesystemNote what is known about the server's filesystem, or {@code null}
   * @param poolSize how many admin connections to keep
   * @param otherHostOrphans after how long databases made on other hosts count as orphaned; null: never
   * @param persistent whether clones and snapshots outlive the manager, and those of earlier persistent
   *     managers with this prefix are adopted
   * @return the manager
   */
  public static DatabaseCloneManager start(
      ServerEndpoint endpoint, Golden golden, String prefix, CopyMethod method, String localFilesystemNote, int poolSize,
      Duration otherHostOrphans) {
    return start(endpoint, golden, prefix, method, localFilesystemNote, poolSize, otherHostOrphans, GoldenOptions.NONE,
        false, null);
  }

  /**
   * Prepares (or reuses) the golden database and returns a ready manager that keeps it fresh.
   *
   * @param endpoint the server
   * @param golden what the golden holds
   * @param prefix the prefix of every database this manager creates
   * @param method the copy method, or {@code null} to choose
   * @param localFilesystemNote what is known about the server's filesystem, or {@code null}
   * @param poolSize how many admin connections to keep
   * @param otherHostOrphans after how long databases made on other hosts count as orphaned; null: never
   * @param options refresh schedule, stale warning, the server's binaries
   * @param persistent whether clones and snapshots outlive the manager (see {@link PersistentDatabases})
   * @param memory where clones may go in memory, or null to keep them in the default tablespace
   * @return the manager
   */
  public static DatabaseCloneManager start(
      ServerEndpoint endpoint, Golden golden, String prefix, CopyMethod method, String localFilesystemNote, int poolSize,
      Duration otherHostOrphans, GoldenOptions options, boolean persistent, MemoryTablespace.Request memory) {
    AdminConnections admin = new AdminConnections(endpoint.dataSource(endpoint.maintenanceDatabase()), poolSize);
    try {
      String copyMethod = MemoryTablespace.copyMethod(admin);
      CloneStrategy strategy = chooseStrategy(admin, method, localFilesystemNote, copyMethod);
      removeOrphans(admin, otherHostOrphans);
      String id = OwnerRecord.newManagerId();
      java.util.List<PersistentDatabases.Found> found = persistent
          ? admin.with(c -> PersistentDatabases.find(c, prefix)) : java.util.List.of();
      Snapshot g = golden != null ? prepareGolden(admin, endpoint, golden, prefix, id, options)
          : PersistentDatabases.newestGolden(found, prefix, endpoint.redactedUrl(endpoint.maintenanceDatabase()));
      if (memory != null && persistent && memory.required()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "A persistent manager's clones outlive it and"
            + " the server; memory does not keep them. Leave clonesInMemory unset, or the manager not persistent.");
      }
      MemoryTablespace inMemory = memory == null || persistent ? null
          : MemoryTablespace.create(admin, memory, prefix + "mem_" + id, g.name(), copyMethod)
              .orElse(null);
      if (inMemory != null) {
        strategy = new CloneStrategy(CopyMethod.FILE_COPY, false, "clones live in memory (tablespace "
            + inMemory.name() + " on the tmpfs at " + inMemory.directory() + "), where creating a database's files"
            + " costs microseconds; instead of: " + strategy.reason());
      }
      DatabaseCloneManager m = new DatabaseCloneManager(
          endpoint, admin, prefix, strategy, g, id, golden, options, persistent, inMemory);
      PersistentDatabases.adopt(m, found, prefix);
      return m;
    } catch (SQLException e) {
      admin.close();
      String why = "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState())
          ? "Check the user and password."
          : e.getSQLState() != null && e.getSQLState().startsWith("08")
              ? "Check that the server runs and that host and port are right."
              : "55006".equals(e.getSQLState())
                  ? "PostgreSQL copies a database only while nobody is connected to it: close the other sessions"
                      + " (or copy a database that is not in use)."
                  : "The role '" + endpoint.user() + "' needs the CREATEDB privilege.";
      throw new LockplaneException(
          ErrorCode.DATABASE_ERROR,
          "Cannot prepare clones on " + endpoint.redactedUrl(endpoint.maintenanceDatabase()) + ": "
              + Secrets.scrub(e.getMessage(), endpoint.password()) + ". " + why,
          Secrets.cause(e, endpoint.password()));
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  private DatabaseCloneManager(
      ServerEndpoint endpoint, AdminConnections admin, String prefix, CloneStrategy strategy, Snapshot golden, String id,
      Golden source, GoldenOptions options, boolean persistent, MemoryTablespace memory) {
    super(strategy, golden, golden.name());
    this.endpoint = endpoint;
    this.admin = admin;
    this.prefix = prefix;
    this.id = id;
    this.source = source;
    this.options = options;
    this.refresher = options.refreshEvery() == null ? null : GoldenFreshness.schedule(this, options.refreshEvery());
    this.persistent = persistent;
    this.memory = memory;
  }

  /** Drops what killed processes left on the server; a failure here must not stop the manager. */
  private static void removeOrphans(AdminConnections admin, Duration otherHosts) {
    try {
      admin.with(c -> OrphanSweeper.dropAll(c, otherHosts, true));
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "Cannot look for orphaned clones: " + Secrets.scrub(e.getMessage(), null));
    }
  }

  /** Records who owns a database this manager made, so that its orphans can be found if this process dies. */
  private static void record(Connection c, String db, OwnerRecord r) throws SQLException {
    exec(c, "COMMENT ON DATABASE " + Identifiers.quote(db) + " IS " + Identifiers.literal(r.toJson()));
  }

  private static CloneStrategy chooseStrategy(AdminConnections admin, CopyMethod method, String fsNote, String copyMethod)
      throws SQLException {
    int version = admin.serverVersion();
    if (method == CopyMethod.WAL_LOG) {
      if (version < 15) {
        throw new LockplaneException(ErrorCode.UNSUPPORTED, "STRATEGY WAL_LOG needs PostgreSQL 15 or later; this server"
            + " is " + version + ". Leave the copy method unset (FILE_COPY), or use a newer server.");
      }
      return new CloneStrategy(CopyMethod.WAL_LOG, false,
          "asked for STRATEGY WAL_LOG: pages are copied through the WAL, linear in size");
    }
    if (method != null && method != CopyMethod.FILE_CLONE && method != CopyMethod.FILE_COPY) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "Database-level clones copy with FILE_CLONE, FILE_COPY or WAL_LOG, not " + method
              + ". Use the instance-level clones of lockplane-zfs for " + method + ".");
    }
    if (method == CopyMethod.FILE_CLONE && !"clone".equals(copyMethod)) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED,
          "FILE_CLONE needs PostgreSQL 18 or later with file_copy_method = clone; this server is "
              + version + (version >= 18 ? " with file_copy_method = " + copyMethod : "")
              + ". Set file_copy_method = clone, or ask for FILE_COPY.");
    }
    boolean reflink = fsNote != null && fsNote.startsWith("reflink");
    // FILE_COPY (or FILE_CLONE) is the default at every golden size, never WAL_LOG: measured by
    // CloneStrategyBenchmark at 1-170 MB on ext4 and XFS reflink (docs/benchmarks.md, 2026-12-01),
    // it was ahead from 10 MB up on ext4 and at every size on XFS, and within the noise at 1 MB.
    if ("clone".equals(copyMethod) && method != CopyMethod.FILE_COPY) {
      return new CloneStrategy(CopyMethod.FILE_CLONE, reflink,
          "PostgreSQL " + version + " with file_copy_method = clone; "
              + (fsNote == null ? "the server's filesystem is unknown here (reflink on XFS/btrfs, byte copy elsewhere)" : fsNote));
    }
    return new CloneStrategy(CopyMethod.FILE_COPY, false,
        "STRATEGY FILE_COPY on PostgreSQL " + version
            + (version >= 18 ? " with file_copy_method = " + copyMethod : " (file_copy_method = clone needs PostgreSQL 18)")
            + ": files are copied byte by byte, linear in size");
  }

  private static Snapshot prepareGolden(
      AdminConnections admin, ServerEndpoint endpoint, Golden golden, String prefix, String id, GoldenOptions options)
      throws SQLException {
    if (!LogicalLoaders.isLogical(golden)) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "A golden from " + golden.describe() + " is a data directory:"
          + " it needs instance-level clones (lockplane-zfs). Database-level clones load logical sources only.");
    }
    String hash = MigrationGoldens.contentKey(golden, () -> endpoint.dataSource(endpoint.maintenanceDatabase()));
    String name = prefix + "golden_" + hash.substring(0, 16);
    Optional<Snapshot> existing = admin.with(c -> GoldenFreshness.newest(c, name, hash, golden.describe()));
    if (existing.isPresent()) {
      LOG.log(Level.DEBUG, "Reusing golden database {0} ({1})", existing.get().name(), golden.describe());
      return existing.get();
    }
    boolean taken = admin.with(c -> GoldenFreshness.exists(c, name));
    return build(admin, endpoint, golden, prefix, id, options, taken ? refreshedName(prefix, hash) : name, hash);
  }

  /**
   * Connects to a golden once before it is closed to connections, so that PostgreSQL writes its
   * catalog cache file ({@code pg_internal.init}) into the database's directory: every clone copies
   * it, and the first session of each clone then starts without reading the catalogs (about 7 ms of a
   * 30 ms connection, measured on a 10 MB golden). Best effort: without it clones are only slower.
   */
  private static void warmCatalogCache(AdminConnections admin, ServerEndpoint endpoint, String db) {
    int pid;
    try (Connection c = endpoint.dataSource(db).getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "No session to " + db + " before it became a golden: " + Secrets.scrub(e.getMessage(), endpoint.password()));
      return;
    }
    // the rename that follows waits in steps of 100 ms for sessions still ending; this one ends in about 1 ms
    try {
      for (int i = 0; i < 100 && admin.with(c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_stat_activity WHERE pid = ?")) {
          ps.setInt(1, pid);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        }
      }); i++) {
        sleep(2);
      }
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "Cannot see whether the session to " + db + " ended: " + e.getMessage());
    }
  }

  /** The name of a golden built beside another of the same content. */
  private static String refreshedName(String prefix, String hash) {
    return prefix + "golden_" + hash.substring(0, 16) + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Builds a golden in a database of its own and renames it to {@code name} once it is complete. */
  private static Snapshot build(
      AdminConnections admin, ServerEndpoint endpoint, Golden golden, String prefix, String id, GoldenOptions options,
      String name, String hash) throws SQLException {
    OwnerRecord building = OwnerRecord.current(OwnerRecord.BUILDING, name, id);
    String buildDb = prefix + "building_" + UUID.randomUUID().toString().substring(0, 8);
    try {
      Golden base = golden instanceof Golden.Prepared p ? p.source() : golden;
      String from = base instanceof Golden.FromDatabase fd ? Identifiers.quote(fd.database()) + admin.strategyClause("FILE_COPY") : "template0";
      admin.with(c -> {
        exec(c, "CREATE DATABASE " + Identifiers.quote(buildDb) + " TEMPLATE " + from);
        record(c, buildDb, building);
        return true;
      });
      PreparationReports reports = new PreparationReports();
      Instant dataAt = golden instanceof Golden.FromDatabase ? null
          : LogicalLoaders.load(golden, GoldenFreshness.target(admin, endpoint, buildDb, name, options), reports);
      warmCatalogCache(admin, endpoint, buildDb);
      Instant now = Instant.now();
      boolean won = admin.with(c -> {
        try {
          exec(c, "ALTER DATABASE " + Identifiers.quote(buildDb) + " RENAME TO " + Identifiers.quote(name));
          record(c, name, building.asGolden(hash, now, dataAt).withReports(reports.maskingJson(), reports.subsetJson()));
          exec(c, "ALTER DATABASE " + Identifiers.quote(name) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
          return true;
        } catch (SQLException e) {
          // another process prepared the same golden first: 42P04 when its rename had committed,
          // 23505 (pg_database's unique name index) when both renames raced
          if ("42P04".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
            return false;
          }
          throw e;
        }
      });
      if (won) {
        // flush the freshly written golden now, so that the first clone's checkpoint does not
        // (FILE_COPY checkpoints before copying); needs superuser or pg_checkpoint: best effort
        try {
          admin.with(c -> exec(c, "CHECKPOINT"));
        } catch (SQLException e) {
          LOG.log(Level.DEBUG, "No CHECKPOINT after preparing the golden: " + e.getMessage());
        }
      }
      if (!won) {
        dropQuietly(admin, buildDb);
        Optional<Snapshot> theirs = admin.with(c -> GoldenFreshness.newest(c, name, hash, golden.describe()));
        return theirs.orElse(new Snapshot(name, now, golden.describe(), dataAt == null ? now : dataAt));
      }
      return new Snapshot(name, now, golden.describe(), dataAt == null ? now : dataAt);
    } catch (SQLException | RuntimeException e) {
      dropQuietly(admin, buildDb);
      throw e;
    }
  }

  @Override
  public Optional<MaskingReport> maskingReport() {
    return goldenRecord("masking report").flatMap(r -> PreparationReports.maskingFromJson(r.masking()));
  }

  @Override
  public Optional<SubsetReport> subsetReport() {
    return goldenRecord("subset report").flatMap(r -> PreparationReports.subsetFromJson(r.subset()));
  }

  /** Reads the golden's owner record, which keeps the reports of its preparation. */
  private Optional<OwnerRecord> goldenRecord(String what) {
    String golden = golden().name();
    try {
      return admin.with(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?")) {
          ps.setString(1, golden);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? OwnerRecord.parse(rs.getString(1)) : Optional.<OwnerRecord>empty();
          }
        }
      });
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the " + what + " of golden " + golden + ": "
          + Secrets.scrub(e.getMessage(), endpoint.password()), e);
    }
  }

  private static void dropQuietly(AdminConnections admin, String db) {
    try {
      admin.with(c -> exec(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(db) + " WITH (FORCE)"));
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "Cannot drop database " + db + ": " + Secrets.scrub(e.getMessage(), null));
    }
  }

  static boolean exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  DatabaseClone newClone(String name, Snapshot snapshot) {
    return new DatabaseClone(this, endpoint, name, prefix + name.replace('-', '_'), snapshot);
  }

  @Override
  void copyInto(DatabaseClone clone, String snapshotDatabase) {
    copy(snapshotDatabase, clone.database(), clone.name(), OwnerRecord.CLONE, snapshotAt(snapshotDatabase));
  }

  @Override
  void replace(DatabaseClone clone, String snapshotDatabase) {
    dropDatabase(clone.database(), clone.name(), "drop clone database " + clone.database() + " for a reset");
    copy(snapshotDatabase, clone.database(), clone.name(), OwnerRecord.CLONE, snapshotAt(snapshotDatabase));
  }

  @Override
  boolean keepsOnClose() {
    return persistent;
  }

  /** Makes the handle of a clone an earlier manager left on the server. */
  DatabaseClone adopted(String name, Snapshot snapshot) {
    return newClone(name, snapshot);
  }

  @Override
  void kept(DatabaseClone clone) {
    try {
      admin.with(c -> {
        record(c, clone.database(),
            OwnerRecord.current(OwnerRecord.CLONE, clone.name(), id).asKept().from(clone.snapshot().name()));
        return true;
      });
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "Cannot mark clone " + clone.name() + " as kept; once this process ends it counts as"
          + " orphaned: " + Secrets.scrub(e.getMessage(), endpoint.password()));
    }
  }

  @Override
  void drop(DatabaseClone clone) {
    dropDatabase(clone.database(), clone.name(), "drop clone database " + clone.database());
  }

  @Override
  String freeze(String name, DatabaseClone source) {
    String db = prefix + "snap_" + name.replace('-', '_');
    try {
      // no new sessions while the clone is copied, and end the open ones
      admin.with(c -> {
        exec(c, "ALTER DATABASE " + Identifiers.quote(source.database()) + " WITH ALLOW_CONNECTIONS false");
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
          ps.setString(1, source.database());
          ps.execute();
        }
        return true;
      });
      try {
        copy(source.database(), db, name, OwnerRecord.SNAPSHOT, source.name());
        admin.with(c -> exec(c, "ALTER DATABASE " + Identifiers.quote(db) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"));
      } finally {
        admin.with(c -> exec(c, "ALTER DATABASE " + Identifiers.quote(source.database()) + " WITH ALLOW_CONNECTIONS true"));
      }
      return db;
    } catch (SQLException e) {
      throw failure(name, "snapshot clone " + source.name(), e);
    }
  }

  @Override
  void dropSnapshot(String db) {
    try {
      admin.with(c -> {
        exec(c, "ALTER DATABASE " + Identifiers.quote(db) + " WITH IS_TEMPLATE false");
        return exec(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(db) + " WITH (FORCE)");
      });
    } catch (SQLException e) {
      throw failure(db, "drop snapshot database " + db, e);
    }
  }

  @Override
  void release() {
    if (memory != null) {
      memory.drop(admin);
    }
    admin.close();
  }

  @Override
  void closing() {
    GoldenFreshness.stop(refresher);
  }

  @Override
  void creatingFrom(Snapshot golden) {
    GoldenFreshness.warnIfStale(golden, options.warnWhenOlderThan(), warnedStale);
  }

  /**
   * Builds a new golden from the same source under a new name and switches to it once it is
   * complete; the former golden is recorded as this manager's snapshot, so that it is dropped with
   * its last clone, with this manager, or as an orphan if this process dies.
   */
  @Override
  public Snapshot refreshGolden() {
    checkOpen();
    if (source == null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "This manager adopted the golden "
          + golden().name() + " without knowing its source, so it cannot rebuild it: start the manager with"
          + " .golden(...) naming the source to refresh.");
    }
    synchronized (refreshing) {
      checkOpen();
      String hash = MigrationGoldens.contentKey(source, () -> endpoint.dataSource(endpoint.maintenanceDatabase()));
      String name = refreshedName(prefix, hash);
      Snapshot next;
      try {
        next = build(admin, endpoint, source, prefix, id, options, name, hash);
      } catch (SQLException e) {
        throw failure(golden().name(), "refresh the golden from " + source.describe(), e);
      }
      Snapshot old = golden();
      try {
        admin.with(c -> {
          record(c, old.name(), OwnerRecord.current(OwnerRecord.SNAPSHOT, "former-golden", id));
          return true;
        });
      } catch (SQLException e) {
        LOG.log(Level.WARNING, "Cannot mark the former golden " + old.name() + " as this manager's; it stays on the"
            + " server as a golden: " + Secrets.scrub(e.getMessage(), endpoint.password()));
      }
      switchGolden(next, next.name());
      LOG.log(Level.INFO, "Golden refreshed: {0} (data from {1}) replaces {2} (data from {3})",
          next.name(), next.dataStateAt(), old.name(), old.dataStateAt());
      return next;
    }
  }

  private void dropDatabase(String db, String target, String what) {
    try {
      admin.with(c -> exec(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(db) + " WITH (FORCE)"));
    } catch (SQLException e) {
      throw failure(target, what, e);
    }
  }

  private void copy(String fromDb, String toDb, String what, String kind, String from) {
    // a persistent manager's databases are kept from the start: its process ends after every command
    OwnerRecord owner = persistent ? OwnerRecord.current(kind, what, id).asKept().from(from) : OwnerRecord.current(kind, what, id);
    String sql;
    try {
      sql = "CREATE DATABASE " + Identifiers.quote(toDb) + " TEMPLATE " + Identifiers.quote(fromDb)
          + admin.strategyClause(strategy().method() == CopyMethod.WAL_LOG ? "WAL_LOG" : "FILE_COPY");
    } catch (SQLException e) {
      throw failure(toDb, what, e);
    }
    for (int attempt = 0; ; attempt++) {
      boolean inMemory = memory != null && memory.usable();
      try {
        admin.with(c -> {
          if (inMemory) {
            memory.createIn(c, sql);
          } else {
            exec(c, sql);
          }
          record(c, toDb, owner);
          return true;
        });
        return;
      } catch (SQLException e) {
        if (inMemory && memory.fullAfter(e)) {
          continue;
        }
        // 55006: the template has other sessions (autovacuum, or a snapshot being taken); it passes
        if ("55006".equals(e.getSQLState()) && attempt < BUSY_RETRIES) {
          sleep(20 + attempt * 10L);
          continue;
        }
        if ("42P04".equals(e.getSQLState())) {
          throw new CloneException(ErrorCode.ALREADY_EXISTS, what,
              "Database '" + toDb + "' already exists on the server (left by another manager with the"
                  + " same prefix '" + prefix + "'?). Choose another clone name or prefix, or drop it.", e);
        }
        throw failure(what, "copy " + fromDb + " into " + toDb, e);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Interrupted while waiting for a template database");
    }
  }

  private CloneException failure(String target, String what, SQLException e) {
    String msg = Secrets.scrub(e.getMessage(), endpoint.password());
    ErrorCode code = msg != null && msg.contains("No space left") ? ErrorCode.DISK_FULL : ErrorCode.DATABASE_ERROR;
    return new CloneException(code, target, "Cannot " + what + ": " + msg, Secrets.cause(e, endpoint.password()));
  }

  /** Returns whether this manager's clones live in a tablespace in memory. */
  public boolean clonesInMemory() {
    return memory != null && memory.usable();
  }

  @Override
  public String toString() {
    return "DatabaseCloneManager[" + endpoint.redactedUrl(endpoint.maintenanceDatabase()) + ", golden " + golden().name() + ", " + strategy().method() + "]";
  }
}
