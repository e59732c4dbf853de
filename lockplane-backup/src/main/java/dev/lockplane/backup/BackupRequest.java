package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.IncrementalFiles;
import dev.lockplane.internal.backup.LogicalSource;
import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.MigrationState;
import dev.lockplane.internal.backup.PhysicalSource;
import dev.lockplane.internal.backup.ProgressTracker;
import dev.lockplane.internal.backup.RepositoryEngine;
import dev.lockplane.internal.backup.SqliteSource;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes one backup: its source (exactly one of {@link #physical}, {@link #logical},
 * {@link #sqlite}), whether a physical one is {@link #incremental()}, tags and a progress
 * listener; {@link #run()} takes it.
 *
 * <pre>{@code
 * Backup b = repo.backup().logical(pg, "app").tag("nightly").run();
 * }</pre>
 */
public final class BackupRequest {
  private final RepositoryEngine engine;
  private final Keyset keyset;
  private String sourceDescription;
  private LocalPostgres server;
  private String remoteUrl;
  private String remoteUser;
  private String remotePassword;
  private String database;
  private int jobs = 1;
  private Path sqliteFile;
  private BackupKind kind;
  private final List<String> tags = new ArrayList<>();
  private String parent;
  private boolean incremental;
  private boolean countRows = true;
  private String incrementalFrom;
  private ProgressListener listener = ProgressListener.NONE;
  private String schemaHash;

  BackupRequest(RepositoryEngine engine, Keyset keyset) {
    this.engine = engine;
    this.keyset = keyset;
  }

  private void source(BackupKind k, String description) {
    if (kind != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "The backup source was already set to " + sourceDescription + "; a backup has one source.");
    }
    kind = k;
    sourceDescription = description;
  }

  /**
   * A physical backup of a server whose data directory this JVM can read.
   *
   * @param pg the server
   * @return this request
   */
  public BackupRequest physical(LocalPostgres pg) {
    source(BackupKind.PHYSICAL, "physical " + pg);
    this.server = Objects.requireNonNull(pg, "pg");
    return this;
  }

  /**
   * A physical backup of any server reachable over the network, taken over the replication
   * protocol: {@code BASE_BACKUP} on a connection of Lockplane's own for PostgreSQL 13+ (TLS as the
   * URL's {@code sslmode} and {@code sslrootcert} ask, prefer by default, and the same for the
   * backup's JDBC connections: {@code verify-ca} and {@code verify-full} check the certificate
   * against {@code sslrootcert}'s PEM file, else the JVM's trust store), {@code pg_basebackup} of the server's major version
   * for older servers (found in {@code /usr/lib/postgresql/MAJOR/bin} or
   * {@code /usr/pgsql-MAJOR/bin}). The role needs the {@code REPLICATION} attribute, not access to
   * the server's files. The manifest records the host, port, database and system identifier, never
   * the user or the password.
   *
   * <pre>{@code
   * repo.backup().physical("postgres://db.internal:5432/postgres", "backup", System.getenv("PGPASSWORD")).run();
   * }</pre>
   *
   * @param url a {@code jdbc:postgresql:} or {@code postgres://} URL of the server
   * @param user the role, or {@code null} for the one in the URL
   * @param password the password, or {@code null} for the one in the URL (or none)
   * @return this request
   */
  public BackupRequest physical(String url, String user, String password) {
    Objects.requireNonNull(url, "url");
    source(BackupKind.PHYSICAL, "physical " + dev.lockplane.internal.backup.ReplicationSource.address(url)
        + " over the replication protocol");
    this.remoteUrl = url;
    this.remoteUser = user;
    this.remotePassword = password;
    return this;
  }

  /**
   * A logical backup of one database, in {@code pg_dump} custom format.
   *
   * @param pg the server
   * @param database the database
   * @return this request
   */
  public BackupRequest logical(LocalPostgres pg, String database) {
    return logical(pg, database, 1);
  }

  /**
   * A logical backup of one database; with more than one job, in {@code pg_dump} directory format
   * dumped by that many parallel jobs (through a local spool directory).
   *
   * @param pg the server
   * @param database the database
   * @param jobs parallel jobs, 1 for custom format
   * @return this request
   */
  public BackupRequest logical(LocalPostgres pg, String database, int jobs) {
    source(BackupKind.LOGICAL, "logical '" + database + "' on " + pg);
    if (jobs < 1) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "jobs must be at least 1, not " + jobs + ".");
    }
    this.server = Objects.requireNonNull(pg, "pg");
    this.database = Objects.requireNonNull(database, "database");
    this.jobs = jobs;
    return this;
  }

  /**
   * A backup of an SQLite database, consistent while other connections write to it.
   *
   * @param file the database file
   * @return this request
   */
  public BackupRequest sqlite(Path file) {
    source(BackupKind.SQLITE, "SQLite " + file);
    this.sqliteFile = Objects.requireNonNull(file, "file").toAbsolutePath();
    return this;
  }

  /**
   * Adds a tag, such as {@code pre-migration}.
   *
   * @param tag the tag
   * @return this request
   */
  public BackupRequest tag(String tag) {
    if (!Objects.requireNonNull(tag, "tag").matches("[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}")) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "Tag '" + tag + "' is not allowed; use letters, digits and _ . : = - (at most 64 characters).");
    }
    tags.add(tag);
    return this;
  }

  /**
   * Records the backup this one depends on; prune never removes a parent of a kept backup.
   *
   * @param id the parent backup's id
   * @return this request
   */
  public BackupRequest parent(String id) {
    if (parent != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "parent was already set to " + parent + "; set it once.");
    }
    if (incremental) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The backup was already made incremental ("
          + incrementalDescription() + "); an incremental backup's parent is set by incrementalFrom(id), not parent(id).");
    }
    engine.manifest(id);
    this.parent = id;
    return this;
  }

  /**
   * Records the schema hash of the backed-up database (the planner's {@code Planner.hash}, which
   * {@code lockplane status} and drift compare), for a logical or SQLite backup or a physical backup
   * over the replication protocol (the URL's database). Every backup records, without this, the last
   * applied migration of each database's {@code lockplane.history} (see {@link BackupSchemaState}).
   *
   * @param hash the hash, {@code sha256:} and hex digits
   * @return this request
   */
  public BackupRequest schemaHash(String hash) {
    if (schemaHash != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "schemaHash was already set to " + schemaHash
          + "; set it once.");
    }
    schemaHash = Objects.requireNonNull(hash, "hash");
    return this;
  }

  /**
   * Makes this physical backup incremental on the latest physical backup of the same cluster (same
   * system identifier) in the repository: files and parts whose content is the parent's are not
   * stored again, and on PostgreSQL 17+ with {@code summarize_wal = on} changed relation files store
   * only their changed blocks. Restore, verify and prune handle the chain it forms. Over replication
   * ({@link #physical(String, String, String)}), PostgreSQL 17+ with {@code summarize_wal = on}
   * sends only the changed blocks when the parent was taken over replication too; otherwise the
   * server sends every file, each part is compared with the parent's by SHA-256 and only the parts
   * that differ are stored (which saves storage, not reading).
   *
   * <pre>{@code
   * Backup monday = repo.backup().physical(pg).run();
   * Backup tuesday = repo.backup().physical(pg).incremental().run();   // parent: monday
   * }</pre>
   *
   * @return this request
   */
  public BackupRequest incremental() {
    setIncremental(null);
    return this;
  }

  /**
   * Makes this physical backup incremental on a given backup, which must be a complete, intact
   * physical backup of the same cluster (a full one or an incremental one).
   *
   * @param parentId the parent backup's id
   * @return this request
   */
  public BackupRequest incrementalFrom(String parentId) {
    setIncremental(Objects.requireNonNull(parentId, "parentId"));
    return this;
  }

  private void setIncremental(String from) {
    if (incremental) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The backup was already made incremental ("
          + incrementalDescription() + "); set it once.");
    }
    if (parent != null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "parent was already set to " + parent
          + "; an incremental backup's parent is set by incrementalFrom(id).");
    }
    incremental = true;
    incrementalFrom = from;
  }

  private String incrementalDescription() {
    return incrementalFrom == null ? "on the latest physical backup" : "on " + incrementalFrom;
  }

  /**
   * Takes this physical backup without counting each table's rows. By default a physical backup
   * counts them ({@code count(*)}, a scan of every table on the server) so that drills and
   * {@link BackupRepository#compare compare} can check the restored or live row counts; on a large
   * database that scan costs as much as reading the data a second time, and it dominates an
   * incremental backup's time. Without counts, drills and compare still check that every table is
   * there with the same columns; {@link Backup#rowCounts()} reports {@code -1} for each table.
   * Logical and SQLite backups count rows in the backup's own snapshot, and refuse this option.
   *
   * @return this request
   */
  public BackupRequest withoutRowCounts() {
    this.countRows = false;
    return this;
  }

  /**
   * Receives progress (bytes, files, phase).
   *
   * @param listener the listener
   * @return this request
   */
  public BackupRequest progress(ProgressListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Takes the backup.
   *
   * @return the backup, complete and listed
   * @throws BackupException when it fails; nothing of it is left visible
   */
  public Backup run() {
    if (kind == null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "No backup source: call physical(pg), logical(pg, database) or sqlite(file) first.");
    }
    if (incremental && kind != BackupKind.PHYSICAL) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "An incremental backup is a physical backup (physical(pg) or "
          + "physical(url, user, password)); " + sourceDescription + " cannot be incremental. Take a full backup.");
    }
    if (!countRows && kind != BackupKind.PHYSICAL) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "withoutRowCounts() applies to physical backups; "
          + sourceDescription + " counts its rows in the backup's own snapshot. Leave it out.");
    }
    if (schemaHash != null) {
      schemaHashDatabase();
    }
    if (remoteUrl != null) {
      try {
        dev.lockplane.internal.wire.PgTls.fromUrl(remoteUrl);
      } catch (IllegalArgumentException e) {
        throw new BackupException(ErrorCode.INVALID_CONFIGURATION, "Physical backup of "
            + dev.lockplane.internal.backup.ReplicationSource.address(remoteUrl) + ": " + e.getMessage()
            + ". Nothing was backed up.", null, null, null);
      }
    }
    IncrementalFiles inc = incremental ? new IncrementalFiles(engine, incrementalFrom) : null;
    ProgressTracker tracker = new ProgressTracker(listener);
    // read before the backup's end (the backup holds at least this much of the history), as part of
    // the backup, so that a source that cannot be read fails the way every backup failure does
    Manifest m = engine.backup(tags, parent, tracker, (writer, id) -> kind == BackupKind.PHYSICAL && remoteUrl == null
        ? localPhysical(writer, id, inc, tracker) : withState(migrationState(id), switch (kind) {
      case PHYSICAL -> {
        if (remoteUrl != null) {
          var where = dev.lockplane.internal.backup.ReplicationSource.address(remoteUrl);
          PhysicalSource.Result r = dev.lockplane.internal.backup.ReplicationSource.run(remoteUrl, remoteUser, remotePassword,
              id, writer, tracker, countRows, inc);
          yield new RepositoryEngine.Facts(kind, "postgresql", r.serverVersion(), r.major(), r.databases(),
              r.systemIdentifier(), r.startWal(), r.stopWal(), r.timeline(), r.directories(), r.tables(),
              Map.of("source", sourceDescription, "sourceHost", where.host(), "sourcePort", String.valueOf(where.port()),
                  "sourceDatabase", where.database(), "method",
                  dev.lockplane.internal.backup.ReplicationSource.method(r.major())), inc);
        }
        throw new IllegalStateException("a local physical backup is taken by localPhysical");
      }
      case LOGICAL -> {
        LogicalSource.Result r = LogicalSource.run(server, database, jobs, id, writer, engine.staging(), tracker);
        yield new RepositoryEngine.Facts(kind, "postgresql", r.serverVersion(), r.major(), List.of(database),
            r.systemIdentifier(), null, null, null, List.of(), r.tables(),
            Map.of("source", sourceDescription, "format", r.format()));
      }
      case SQLITE -> {
        SqliteSource.Result r = SqliteSource.run(sqliteFile, id, writer, engine.staging(), tracker);
        yield new RepositoryEngine.Facts(kind, "sqlite", r.libraryVersion(), 0, List.of("main"), null, null, null,
            null, List.of(), r.tables(), Map.of("source", sourceDescription));
      }
    }));
    return engine.summaryOf(m);
  }

  /**
   * A physical backup of a local cluster. The apply history of each database is read on the
   * connection that reads the database's tables, while the files are copied and before the backup
   * ends on the server, so that the backup holds at least the history it records.
   */
  private RepositoryEngine.Facts localPhysical(dev.lockplane.internal.backup.DataWriter writer, String id,
      IncrementalFiles inc, ProgressTracker tracker) {
    Map<String, String> state = new java.util.concurrent.ConcurrentHashMap<>();
    PhysicalSource.Result r = PhysicalSource.run(server, id, writer, tracker, inc, countRows,
        (db, c) -> state.putAll(MigrationState.postgres(db, c)));
    return withState(state, new RepositoryEngine.Facts(kind, "postgresql", r.serverVersion(), r.major(),
        r.databases(), r.systemIdentifier(), r.startWal(), r.stopWal(), r.timeline(), r.directories(), r.tables(),
        Map.of("source", sourceDescription), inc));
  }

  /** The apply-history attributes of the databases this backup holds, read with SQL. */
  private Map<String, String> migrationState(String id) {
    Map<String, String> out;
    try {
      out = new java.util.TreeMap<>(switch (kind) {
        case SQLITE -> MigrationState.sqlite(sqliteFile);
        case LOGICAL -> MigrationState.postgres(server, database);
        // a local cluster's is read beside its copy (localPhysical)
        case PHYSICAL -> MigrationState.postgres(remoteUrl, remoteUser, remotePassword);
      });
    } catch (BackupException e) {
      throw e;
    } catch (LockplaneException e) {
      // the source cannot be read: a backup failure like any other (nothing was written yet)
      throw new BackupException(e.code(), e.getMessage() + " Nothing was backed up.", id, null, e);
    }
    if (schemaHash != null) {
      out.put(MigrationState.SCHEMA_HASH + schemaHashDatabase(), schemaHash);
    }
    return out;
  }

  /** The database whose hash {@link #schemaHash} gives; refuses a source that holds several. */
  private String schemaHashDatabase() {
    return switch (kind) {
      case SQLITE -> "main";
      case LOGICAL -> database;
      case PHYSICAL -> {
        if (remoteUrl == null) {
          throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "schemaHash(...) names the hash of one "
              + "database; a physical backup of a local cluster holds several: leave it out.");
        }
        yield dev.lockplane.internal.sql.JdbcUrls.databaseOf(dev.lockplane.internal.sql.JdbcUrls.toJdbc(remoteUrl));
      }
    };
  }

  private static RepositoryEngine.Facts withState(Map<String, String> state, RepositoryEngine.Facts f) {
    Map<String, String> all = new java.util.TreeMap<>(state);
    all.putAll(f.attributes());
    return new RepositoryEngine.Facts(f.kind(), f.engine(), f.serverVersion(), f.serverMajor(), f.databases(),
        f.systemIdentifier(), f.startWal(), f.stopWal(), f.timeline(), f.directories(), f.tables(), all, f.incremental());
  }
}
