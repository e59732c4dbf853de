package dev.lockplane.internal.clone;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CloneStrategy;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.sql.ScriptRunner;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Database-level clones on one PostgreSQL server: snapshots are template databases that accept no
 * connections, clones are {@code CREATE DATABASE … TEMPLATE … STRATEGY …} copies of them.
 */
public final class DatabaseCloneManager implements CloneManager {
  private static final System.Logger LOG = System.getLogger(DatabaseCloneManager.class.getName());
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");
  private static final int BUSY_RETRIES = 50;

  private final ServerEndpoint endpoint;
  private final AdminConnections admin;
  private final String prefix;
  private final CloneStrategy strategy;
  private final Snapshot golden;
  private final Map<String, DatabaseClone> clones = new ConcurrentHashMap<>();
  /** Snapshots by name; the golden is among them. */
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<String, String> snapshotDatabases = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Prepares (or reuses) the golden database and returns a ready manager.
   *
   * @param endpoint the server
   * @param golden what the golden holds
   * @param prefix the prefix of every database this manager creates
   * @param method the copy method, or {@code null} to choose
   * @param localFilesystemNote what is known about the server's filesystem, or {@code null}
   * @param poolSize how many admin connections to keep
   * @return the manager
   */
  public static DatabaseCloneManager start(
      ServerEndpoint endpoint, Golden golden, String prefix, CopyMethod method, String localFilesystemNote, int poolSize) {
    AdminConnections admin = new AdminConnections(endpoint.dataSource(endpoint.maintenanceDatabase()), poolSize);
    try {
      CloneStrategy strategy = chooseStrategy(admin, method, localFilesystemNote);
      Snapshot g = prepareGolden(admin, endpoint, golden, prefix);
      return new DatabaseCloneManager(endpoint, admin, prefix, strategy, g);
    } catch (SQLException e) {
      admin.close();
      throw new LockplaneException(
          ErrorCode.DATABASE_ERROR,
          "Cannot prepare clones on " + endpoint.url(endpoint.maintenanceDatabase()) + ": " + e.getMessage()
              + ". The role '" + endpoint.user() + "' needs the CREATEDB privilege.",
          e);
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  private DatabaseCloneManager(
      ServerEndpoint endpoint, AdminConnections admin, String prefix, CloneStrategy strategy, Snapshot golden) {
    this.endpoint = endpoint;
    this.admin = admin;
    this.prefix = prefix;
    this.strategy = strategy;
    this.golden = golden;
    snapshots.put(golden.name(), golden);
    snapshotDatabases.put(golden.name(), golden.name());
  }

  ServerEndpoint endpoint() {
    return endpoint;
  }

  private static CloneStrategy chooseStrategy(AdminConnections admin, CopyMethod method, String fsNote) throws SQLException {
    int version = admin.with(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
        rs.next();
        return Integer.parseInt(rs.getString(1)) / 10000;
      }
    });
    String copyMethod = version >= 18
        ? admin.with(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW file_copy_method")) {
              rs.next();
              return rs.getString(1);
            }
          })
        : "copy";
    if (method == CopyMethod.WAL_LOG) {
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

  private static Snapshot prepareGolden(AdminConnections admin, ServerEndpoint endpoint, Golden golden, String prefix)
      throws SQLException {
    String hash = golden.contentHash();
    String name = prefix + "golden_" + hash.substring(0, 16);
    String marker = "lockplane golden " + hash;
    Optional<Instant> existing = admin.with(c -> goldenCreatedAt(c, name, marker));
    if (existing.isPresent()) {
      LOG.log(Level.DEBUG, "Reusing golden database {0} ({1})", name, golden.describe());
      return new Snapshot(name, existing.get(), golden.describe());
    }
    String building = prefix + "building_" + UUID.randomUUID().toString().substring(0, 8);
    try {
      if (golden instanceof Golden.FromDatabase fd) {
        admin.with(c -> exec(c, "CREATE DATABASE " + q(building) + " TEMPLATE " + q(fd.database()) + " STRATEGY FILE_COPY"));
      } else {
        admin.with(c -> exec(c, "CREATE DATABASE " + q(building) + " TEMPLATE template0"));
        try (Connection c = endpoint.dataSource(building).getConnection()) {
          c.setAutoCommit(true);
          for (Script s : ((Golden.FromScripts) golden).scripts()) {
            ScriptRunner.run(c, s);
          }
        }
      }
      Instant now = Instant.now();
      boolean won = admin.with(c -> {
        try {
          exec(c, "ALTER DATABASE " + q(building) + " RENAME TO " + q(name));
          exec(c, "COMMENT ON DATABASE " + q(name) + " IS " + lit(marker + " " + now));
          exec(c, "ALTER DATABASE " + q(name) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
          return true;
        } catch (SQLException e) {
          if ("42P04".equals(e.getSQLState())) {
            return false; // another process prepared the same golden first
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
        dropQuietly(admin, building);
        Instant at = admin.with(c -> goldenCreatedAt(c, name, marker)).orElse(now);
        return new Snapshot(name, at, golden.describe());
      }
      return new Snapshot(name, now, golden.describe());
    } catch (SQLException | RuntimeException e) {
      dropQuietly(admin, building);
      throw e;
    }
  }

  private static Optional<Instant> goldenCreatedAt(Connection c, String name, String marker) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String comment = rs.getString(1);
        if (comment == null || !comment.startsWith(marker + " ")) {
          // a database with our name but not finished or of other content: replace it
          exec(c, "DROP DATABASE IF EXISTS " + q(name) + " WITH (FORCE)");
          return Optional.empty();
        }
        try {
          return Optional.of(Instant.parse(comment.substring(marker.length() + 1).trim()));
        } catch (RuntimeException e) {
          return Optional.of(Instant.EPOCH);
        }
      }
    }
  }

  private static void dropQuietly(AdminConnections admin, String db) {
    try {
      admin.with(c -> exec(c, "DROP DATABASE IF EXISTS " + q(db) + " WITH (FORCE)"));
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "Cannot drop database " + db + ": " + e.getMessage());
    }
  }

  static boolean exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
    return true;
  }

  static String q(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }

  static String lit(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public Snapshot golden() {
    return golden;
  }

  @Override
  public CloneStrategy strategy() {
    return strategy;
  }

  @Override
  public Clone create() {
    return create("clone-" + counter.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6));
  }

  @Override
  public Clone create(String name) {
    return create(name, golden);
  }

  @Override
  public Clone create(String name, Snapshot snapshot) {
    checkOpen();
    checkName(name, "clone");
    String snapDb = snapshotDatabase(snapshot);
    String db = prefix + name.replace('-', '_');
    DatabaseClone clone = new DatabaseClone(this, name, db, snapshot, Instant.now());
    if (clones.putIfAbsent(name, clone) != null) {
      throw new CloneException(ErrorCode.ALREADY_EXISTS, name,
          "A clone named '" + name + "' already exists; choose another name or destroy it first.", null);
    }
    try {
      copy(snapDb, db, name);
      clone.reborn(snapshot, Instant.now());
      return clone;
    } catch (RuntimeException e) {
      clones.remove(name, clone);
      throw e;
    }
  }

  private void copy(String fromDb, String toDb, String what) {
    String sql = "CREATE DATABASE " + q(toDb) + " TEMPLATE " + q(fromDb) + " STRATEGY "
        + (strategy.method() == CopyMethod.WAL_LOG ? "WAL_LOG" : "FILE_COPY");
    for (int attempt = 0; ; attempt++) {
      try {
        admin.with(c -> exec(c, sql));
        return;
      } catch (SQLException e) {
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
    String msg = e.getMessage();
    ErrorCode code = msg != null && msg.contains("No space left") ? ErrorCode.DISK_FULL : ErrorCode.DATABASE_ERROR;
    return new CloneException(code, target, "Cannot " + what + ": " + msg, e);
  }

  private String snapshotDatabase(Snapshot snapshot) {
    String db = snapshotDatabases.get(snapshot.name());
    if (db == null || !snapshots.get(snapshot.name()).equals(snapshot)) {
      throw new CloneException(ErrorCode.NOT_FOUND, snapshot.name(),
          "Snapshot '" + snapshot.name() + "' does not belong to this manager (or was removed). Use one"
              + " from snapshots().", null);
    }
    return db;
  }

  private static void checkName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new CloneException(ErrorCode.INVALID_CONFIGURATION, String.valueOf(name),
          "'" + name + "' is not a valid " + what + " name: use 1 to 40 lower-case letters, digits, '_' or"
              + " '-', starting with a letter.", null);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new LockplaneException(ErrorCode.CLOSED, "This clone manager is closed; start a new one.");
    }
  }

  void reset(DatabaseClone clone, Snapshot to) {
    checkOpen();
    String snapDb = snapshotDatabase(to);
    synchronized (clone.lock) {
      if (clone.destroyed.get()) {
        throw new CloneException(ErrorCode.NOT_FOUND, clone.name(),
            "Clone '" + clone.name() + "' was destroyed; create a new one.", null);
      }
      try {
        admin.with(c -> exec(c, "DROP DATABASE IF EXISTS " + q(clone.database()) + " WITH (FORCE)"));
      } catch (SQLException e) {
        throw failure(clone.name(), "drop clone database " + clone.database() + " for a reset", e);
      }
      copy(snapDb, clone.database(), clone.name());
      clone.reborn(to, Instant.now());
    }
  }

  void destroy(DatabaseClone clone) {
    synchronized (clone.lock) {
      if (!clone.destroyed.compareAndSet(false, true)) {
        return;
      }
      try {
        admin.with(c -> exec(c, "DROP DATABASE IF EXISTS " + q(clone.database()) + " WITH (FORCE)"));
      } catch (SQLException e) {
        clone.destroyed.set(false);
        throw failure(clone.name(), "drop clone database " + clone.database(), e);
      } finally {
        if (clone.destroyed.get()) {
          clones.remove(clone.name(), clone);
        }
      }
    }
  }

  @Override
  public void keep(Clone clone) {
    if (clone instanceof DatabaseClone c) {
      clones.remove(c.name(), c);
    }
  }

  @Override
  public List<Clone> list() {
    List<Clone> out = new ArrayList<>(clones.values());
    out.sort(Comparator.comparing(Clone::name));
    return out;
  }

  @Override
  public Optional<Clone> get(String name) {
    return Optional.ofNullable(clones.get(name));
  }

  @Override
  public Snapshot snapshot(String name, Clone source) {
    checkOpen();
    checkName(name, "snapshot");
    if (!(source instanceof DatabaseClone dc) || clones.get(dc.name()) != dc) {
      throw new CloneException(ErrorCode.NOT_FOUND, source.name(),
          "Clone '" + source.name() + "' does not belong to this manager.", null);
    }
    String db = prefix + "snap_" + name.replace('-', '_');
    Snapshot snap = new Snapshot(name, Instant.now(), "snapshot of clone " + dc.name());
    if (snapshots.putIfAbsent(name, snap) != null) {
      throw new CloneException(ErrorCode.ALREADY_EXISTS, name, "A snapshot named '" + name + "' already exists.", null);
    }
    synchronized (dc.lock) {
      try {
        // no new sessions while the clone is copied, and end the open ones
        admin.with(c -> {
          exec(c, "ALTER DATABASE " + q(dc.database()) + " WITH ALLOW_CONNECTIONS false");
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, dc.database());
            ps.execute();
          }
          return true;
        });
        try {
          copy(dc.database(), db, name);
          admin.with(c -> exec(c, "ALTER DATABASE " + q(db) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"));
        } finally {
          admin.with(c -> exec(c, "ALTER DATABASE " + q(dc.database()) + " WITH ALLOW_CONNECTIONS true"));
        }
        snapshotDatabases.put(name, db);
        return snap;
      } catch (SQLException | RuntimeException e) {
        snapshots.remove(name, snap);
        if (e instanceof RuntimeException re) {
          throw re;
        }
        throw failure(name, "snapshot clone " + dc.name(), (SQLException) e);
      }
    }
  }

  @Override
  public List<Snapshot> snapshots() {
    List<Snapshot> out = new ArrayList<>(snapshots.values());
    out.sort(Comparator.comparing((Snapshot s) -> !s.equals(golden)).thenComparing(Snapshot::createdAt).thenComparing(Snapshot::name));
    return out;
  }

  @Override
  public void destroySnapshot(Snapshot snapshot) {
    checkOpen();
    if (snapshot.equals(golden)) {
      throw new CloneException(ErrorCode.IN_USE, snapshot.name(),
          "The golden snapshot cannot be removed; close the manager instead.", null);
    }
    String db = snapshotDatabase(snapshot);
    List<String> users = clones.values().stream().filter(c -> c.snapshot().equals(snapshot)).map(Clone::name).sorted().toList();
    if (!users.isEmpty()) {
      throw new CloneException(ErrorCode.IN_USE, snapshot.name(),
          "Snapshot '" + snapshot.name() + "' is used by clones " + users + "; destroy or reset them first.", null);
    }
    try {
      admin.with(c -> {
        exec(c, "ALTER DATABASE " + q(db) + " WITH IS_TEMPLATE false");
        return exec(c, "DROP DATABASE IF EXISTS " + q(db) + " WITH (FORCE)");
      });
    } catch (SQLException e) {
      throw failure(snapshot.name(), "drop snapshot database " + db, e);
    }
    snapshots.remove(snapshot.name());
    snapshotDatabases.remove(snapshot.name());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      for (DatabaseClone c : List.copyOf(clones.values())) {
        try {
          c.destroyed.set(true);
          admin.with(conn -> exec(conn, "DROP DATABASE IF EXISTS " + q(c.database()) + " WITH (FORCE)"));
        } catch (SQLException | RuntimeException e) {
          LOG.log(Level.WARNING, "Cannot drop clone database " + c.database() + ": " + e.getMessage());
        }
      }
      clones.clear();
      for (Map.Entry<String, String> s : snapshotDatabases.entrySet()) {
        if (!s.getKey().equals(golden.name())) {
          dropSnapshotQuietly(s.getValue());
        }
      }
    } finally {
      admin.close();
    }
  }

  private void dropSnapshotQuietly(String db) {
    try {
      admin.with(c -> {
        exec(c, "ALTER DATABASE " + q(db) + " WITH IS_TEMPLATE false");
        return exec(c, "DROP DATABASE IF EXISTS " + q(db) + " WITH (FORCE)");
      });
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.WARNING, "Cannot drop snapshot database " + db + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "DatabaseCloneManager[" + endpoint.urlPrefix() + ", golden " + golden.name() + ", " + strategy.method() + "]";
  }
}
