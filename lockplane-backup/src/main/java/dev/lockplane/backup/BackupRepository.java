package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.BackupGoldenSource;
import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.ManifestCodec;
import dev.lockplane.internal.backup.ProgressTracker;
import dev.lockplane.internal.backup.RepositoryEngine;
import dev.lockplane.internal.backup.Verifier;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A repository of compressed, encrypted, checksummed backups of PostgreSQL clusters, PostgreSQL
 * databases and SQLite files.
 *
 * <pre>{@code
 * BackupRepository repo = BackupRepository.at(Path.of("/backups")).encryptWith(keyset).open();
 * Backup b = repo.backup().physical(pg).tag("pre-migration").progress(p -> log(p)).run();
 * VerifyReport r = repo.verify(b.id(), VerifyDepth.DRILL);
 * try (RestoredServer yesterday = repo.restore(b.id()).asServer()) {
 *   yesterday.server().connect("app");     // query the backup, read-only use, in its own server
 * }
 * repo.prune(Retention.policy().keepDaily(7).keepWeekly(4).minimum(3)).dryRun();
 * }</pre>
 *
 * <p>Layout: each backup is a set of write-once objects under {@code backups/ID/}: data objects
 * first, then {@code manifest.copy.json}, then {@code manifest.json}. A backup exists once its
 * manifest exists; the copy stands in for a damaged manifest. While a backup runs, a lease object
 * under {@code backups/ID/lease/} is refreshed every 10 seconds, and prune leaves the backup alone
 * while the lease is fresh. Plaintext intermediate copies live in {@code staging/}, cleaned of
 * entries of dead processes when the repository is opened. In a local directory every file is
 * created with mode 0600 and every directory with 0700. Every object records its plaintext
 * and stored sizes and SHA-256 digests; encrypted objects bind the backup id and object key as
 * associated data, so objects cannot be swapped or truncated unnoticed.
 *
 * <p>Instances are immutable and thread-safe. A repository in a bucket holds the storage's HTTP
 * connections until {@link #close()}; one in a local directory holds nothing.
 */
public final class BackupRepository implements AutoCloseable, dev.lockplane.clone.BackupGoldens {
  private final RepositoryEngine engine;
  private final Keyset keyset;
  private final boolean ownsStorage;

  private BackupRepository(RepositoryEngine engine, Keyset keyset, boolean ownsStorage) {
    this.engine = engine;
    this.keyset = keyset;
    this.ownsStorage = ownsStorage;
  }

  /**
   * Starts configuring a repository in a local directory (created when missing).
   *
   * @param directory the repository directory
   * @return a builder
   */
  public static Builder at(Path directory) {
    return new Builder(BackupStorage.localDirectory(Objects.requireNonNull(directory, "directory")), true);
  }

  /**
   * Starts configuring a repository at a location: {@code file:///backups}, or
   * {@code s3://bucket/prefix/} with optional {@code endpoint}, {@code region} and
   * {@code pathStyle=true} query parameters, credentials coming from the AWS provider chain. The
   * repository owns the storage it creates: close the repository to release its connections.
   *
   * <pre>{@code
   * try (BackupRepository repo = BackupRepository.at(URI.create("s3://backups/prod/?region=eu-west-1"))
   *     .encryptWith(keyset).open()) {
   *   repo.list();
   * }
   * }</pre>
   *
   * @param location the location
   * @return a builder
   * @throws LockplaneException {@code INVALID_CONFIGURATION} for another scheme, an unknown query
   *     parameter, or credentials in the location
   */
  public static Builder at(java.net.URI location) {
    Objects.requireNonNull(location, "location");
    String scheme = location.getScheme() == null ? "" : location.getScheme();
    if (scheme.equals("file")) {
      return at(Path.of(location));
    }
    if (!scheme.equals("s3")) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "A repository location is a directory, file:///path or "
          + "s3://bucket/prefix/, not a '" + scheme + ":' URI.");
    }
    S3StorageBuilder b = BackupStorage.s3(location);
    String query = location.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        switch (name) {
          case "endpoint" -> b.endpoint(java.net.URI.create(value));
          case "region" -> b.region(value);
          case "pathStyle" -> b.pathStyle(Boolean.parseBoolean(value));
          default -> throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "Unknown parameter '" + name
              + "' in the repository location: use endpoint, region or pathStyle; credentials come from the AWS environment.");
        }
      }
    }
    return new Builder(b.build(), true);
  }

  /**
   * Starts configuring a repository on any storage.
   *
   * @param storage the storage
   * @return a builder
   */
  public static Builder on(BackupStorage storage) {
    return new Builder(Objects.requireNonNull(storage, "storage"), false);
  }

  /** Returns where the repository keeps its objects. */
  public BackupStorage storage() {
    return engine.storage();
  }

  /** Starts describing a new backup. */
  public BackupRequest backup() {
    return new BackupRequest(engine, keyset);
  }

  /** Returns every complete backup, oldest first (by recorded start time). */
  public List<Backup> list() {
    return engine.list();
  }

  /**
   * Returns one backup.
   *
   * @param id the backup id
   * @return the backup
   * @throws BackupException {@code NOT_FOUND} when there is no such backup
   */
  public Backup show(String id) {
    return engine.show(id);
  }

  /**
   * Returns the backup a planner takes before applying a plan, into this repository: {@code
   * Lockplane.planner().backupFirst(repo.beforeApply(), ApplyBackup.When.RISKY)}. See {@link
   * BeforeApplyBackup}.
   *
   * @return the hook
   */
  public BeforeApplyBackup beforeApply() {
    return new BeforeApplyBackup(this, null, null, null);
  }

  /**
   * Returns where one database of a backup stood in its apply history when the backup was taken.
   *
   * @param id the backup id
   * @param database the database ({@code main} for SQLite)
   * @return the state, or empty when the backup recorded none (taken by an older version, or not of
   *     that database)
   */
  public java.util.Optional<BackupSchemaState> schemaState(String id, String database) {
    return BackupSchemaState.of(id, engine.manifest(id).attributes(), database);
  }

  /**
   * Returns a backup's manifest as stored (JSON with sorted keys). It holds no key material.
   *
   * @param id the backup id
   * @return the manifest text
   */
  public String manifestJson(String id) {
    Manifest m = engine.manifest(id);
    return new String(ManifestCodec.encode(m), StandardCharsets.UTF_8);
  }

  /**
   * Verifies a backup completely at a depth.
   *
   * @param id the backup id
   * @param depth how deep
   * @return the report; {@link VerifyReport#ok()} is false when anything is wrong
   */
  public VerifyReport verify(String id, VerifyDepth depth) {
    return verify(id, depth, 100, null, ProgressListener.NONE);
  }

  /**
   * Verifies a backup.
   *
   * @param id the backup id
   * @param depth how deep
   * @param samplePercent the share of objects whose data is read, 1 to 100
   * @param drillServer for drills of logical backups: the server to restore into (a scratch
   *     database is created and dropped); {@code null} starts a server of the dump's major version
   * @param listener progress
   * @return the report
   */
  public VerifyReport verify(String id, VerifyDepth depth, int samplePercent, LocalPostgres drillServer,
      ProgressListener listener) {
    if (samplePercent < 1 || samplePercent > 100) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The sample must be 1 to 100 percent, not " + samplePercent + ".");
    }
    return Verifier.verify(engine, id, Objects.requireNonNull(depth, "depth"), samplePercent, drillServer,
        new ProgressTracker(listener));
  }

  /**
   * Starts describing a restore.
   *
   * @param id the backup id
   * @return the request
   */
  public RestoreRequest restore(String id) {
    return new RestoreRequest(engine, engine.manifest(id));
  }

  /**
   * Returns a golden — the original every clone copies — made of one backup, for a clone manager:
   * a physical backup becomes the golden data directory of instance-level clones (the golden server
   * recovers it to its consistent end; ask the manager for the backup's major version), a logical
   * backup is restored with {@code pg_restore} into the golden database. Each snapshot of that
   * golden records the backup's stop time as the time its data is from.
   *
   * <pre>{@code
   * try (InstanceCloneManager clones = InstanceClones.on(CowStorages.zfs("tank/lockplane"))
   *     .golden(repo.golden("20260102T030405Z-1a2b3c")).version(16).start()) {
   *   clones.create("incident-1412");
   * }
   * }</pre>
   *
   * <p>The golden's content key is this repository's location and the backup id, so a manager
   * reuses a golden already prepared from the same backup. The repository must stay open until the
   * manager has prepared the golden.
   *
   * @param backupId the backup id
   * @return the golden
   * @throws BackupException {@code NOT_FOUND} naming the id and the repository when there is no such
   *     backup; {@code UNSUPPORTED} for an SQLite backup
   */
  @Override
  public dev.lockplane.clone.Golden golden(String backupId) {
    Objects.requireNonNull(backupId, "backupId");
    return dev.lockplane.clone.Golden.from(new BackupGoldenSource(engine, engine.manifest(backupId)));
  }

  /**
   * Returns a golden made of the newest PostgreSQL backup (physical or logical, by stop time), as
   * {@link #golden(String)} does. The backup is chosen now: a backup taken later does not change
   * this golden; call again for a fresher one.
   *
   * @return the golden
   * @throws BackupException {@code NOT_FOUND} when the repository holds no PostgreSQL backup
   */
  @Override
  public dev.lockplane.clone.Golden latestGolden() {
    return golden(newest(Instant.MAX, "").id());
  }

  /**
   * Returns a golden made of the newest PostgreSQL backup that finished at or before a time, as
   * {@link #golden(String)} does: "the data as it was before the incident".
   *
   * @param time the latest stop time to accept
   * @return the golden
   * @throws BackupException {@code NOT_FOUND} when no PostgreSQL backup finished by then
   */
  @Override
  public dev.lockplane.clone.Golden goldenBefore(Instant time) {
    Objects.requireNonNull(time, "time");
    return golden(newest(time, " that finished at or before " + time).id());
  }

  private Backup newest(Instant notAfter, String condition) {
    return list().stream()
        .filter(b -> b.kind() == BackupKind.PHYSICAL || b.kind() == BackupKind.LOGICAL)
        .filter(b -> !b.stopTime().isAfter(notAfter))
        .max(java.util.Comparator.comparing(Backup::stopTime).thenComparing(Backup::id))
        .orElseThrow(() -> new BackupException(ErrorCode.NOT_FOUND, "There is no PostgreSQL backup" + condition + " in "
            + engine.storage().describe() + ". List backups to see what it holds.", null, null, null));
  }

  /**
   * Starts describing an extraction of one table's rows.
   *
   * @param id the backup id
   * @param table {@code schema.table} (PostgreSQL) or {@code table} (SQLite)
   * @return the request
   */
  public ExtractRequest extract(String id, String table) {
    return new ExtractRequest(engine, engine.manifest(id), Objects.requireNonNull(table, "table"));
  }

  /**
   * Compares a backup with a live database: per-table row counts, and tables and columns.
   *
   * @param id the backup id
   * @param live a connection to the live database; it is not closed
   * @param database which database of the backup to compare (for physical backups), or {@code null}
   *     for the only or first one
   * @return the differences
   */
  public CompareReport compare(String id, java.sql.Connection live, String database) {
    return dev.lockplane.internal.backup.Comparer.compare(engine.manifest(id), live, database);
  }

  /**
   * Compares a backup with a live database reached by URL. Connection failures are reported
   * without the password, whether it was given here or inside the URL.
   *
   * @param id the backup id
   * @param url a {@code jdbc:} URL, or a libpq {@code postgres://user:password@host:port/db} URL
   * @param user the user, or {@code null} for the one in the URL
   * @param password the password, or {@code null} for the one in the URL
   * @param database which database of the backup to compare, or {@code null} for the only or first one
   * @return the differences
   * @throws BackupException {@code DATABASE_ERROR} when the database cannot be reached or read
   */
  public CompareReport compare(String id, String url, String user, String password, String database) {
    Objects.requireNonNull(url, "url");
    Manifest m = engine.manifest(id);
    String jdbc = dev.lockplane.internal.sql.JdbcUrls.toJdbc(url);
    java.util.Properties props = new java.util.Properties();
    String u = user != null ? user : dev.lockplane.internal.sql.JdbcUrls.userOf(url);
    String p = password != null ? password : dev.lockplane.internal.sql.JdbcUrls.passwordOf(url);
    if (u != null) {
      props.setProperty("user", u);
    }
    if (p != null) {
      props.setProperty("password", p);
    }
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbc, props)) {
      return dev.lockplane.internal.backup.Comparer.compare(m, c, database);
    } catch (java.sql.SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Cannot compare backup " + id + " with '"
          + dev.lockplane.internal.sql.JdbcUrls.redact(url) + "': " + dev.lockplane.internal.backup.Redaction.message(e)
          + ". Check the URL, that the server is reachable, and the user and password.", id, null, e);
    }
  }

  /**
   * Starts configuring a WAL archiver that streams a server's WAL into this repository through a
   * physical replication slot.
   *
   * @return the builder
   */
  public WalArchiver.Builder walArchiver() {
    return new WalArchiver.Builder(new dev.lockplane.internal.backup.WalCatalog(engine));
  }

  /**
   * Archives one WAL file, for use as PostgreSQL's {@code archive_command} where a replication slot
   * is not wanted ({@code lockplane wal push %p}). Archiving the same file again is accepted.
   *
   * @param file a WAL segment or timeline history file ({@code %p}, relative to the data directory)
   * @return {@code true} when it was archived now, {@code false} when the same file already was
   * @throws BackupException {@code ALREADY_EXISTS} when a different file of that name is archived,
   *     {@code INVALID_INPUT} for a file that is not a complete segment or a history file
   */
  public boolean pushWal(Path file) {
    return dev.lockplane.internal.backup.WalPush.push(new dev.lockplane.internal.backup.WalCatalog(engine),
        Objects.requireNonNull(file, "file")).now();
  }

  /**
   * Summarizes the WAL archive: per server, the archived range, its gaps and when it was last fed.
   *
   * @return one summary per server with archived segments, by system identifier
   */
  public List<WalArchiveSummary> walArchive() {
    var catalog = new dev.lockplane.internal.backup.WalCatalog(engine);
    List<WalArchiveSummary> out = new ArrayList<>();
    for (String sysid : catalog.systems()) {
      WalArchiveSummary s = catalog.summary(sysid);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Starts describing a point-in-time recovery: the newest physical backup that finished before the
   * target, plus the archived WAL replayed up to it.
   *
   * <pre>{@code
   * RecoveryResult r = repo.recover(RecoveryTarget.time(Instant.parse("2026-11-30T10:15:00Z")))
   *     .toDirectory(Path.of("/srv/recovered"));
   * }</pre>
   *
   * @param target where to stop
   * @return the request
   */
  public RecoveryRequest recover(RecoveryTarget target) {
    return new RecoveryRequest(engine, new dev.lockplane.internal.backup.WalCatalog(engine), target);
  }

  /**
   * Reads the repository's timeline: backups, archived WAL per server and timeline with its gaps.
   *
   * @return the timeline
   */
  public BackupTimeline timeline() {
    return dev.lockplane.internal.backup.TimelineReader.read(engine, new dev.lockplane.internal.backup.WalCatalog(engine), null,
        java.time.Clock.systemUTC());
  }

  /**
   * Reads the repository's timeline together with the migrations recorded in a live database's
   * {@code lockplane.history} ("backup A 02:00 → migration 41 at 09:58 → now").
   *
   * @param live the live database (only read)
   * @return the timeline
   * @throws BackupException {@code DATABASE_ERROR} when the history table cannot be read
   */
  public BackupTimeline timeline(java.sql.Connection live) {
    return dev.lockplane.internal.backup.TimelineReader.read(engine, new dev.lockplane.internal.backup.WalCatalog(engine),
        Objects.requireNonNull(live, "live"), java.time.Clock.systemUTC());
  }

  /**
   * Plans or runs a prune.
   *
   * @param policy which backups to keep
   * @return the request; call {@link PruneRequest#dryRun()} or {@link PruneRequest#run()}
   */
  public PruneRequest prune(Retention policy) {
    return new PruneRequest(engine, Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Releases the storage's connections when the repository created the storage ({@link #at(Path)},
   * {@link #at(java.net.URI)}); a storage given to {@link #on(BackupStorage)} stays open. Safe to
   * call twice.
   */
  @Override
  public void close() {
    if (ownsStorage) {
      engine.storage().close();
    }
  }

  @Override
  public String toString() {
    return "BackupRepository[" + engine.storage().describe() + (keyset == null ? ", unencrypted" : ", " + keyset) + "]";
  }

  /**
   * Configures a {@link BackupRepository}. Each setting may be given once.
   */
  public static final class Builder {
    private final BackupStorage storage;
    private final boolean ownsStorage;
    private Keyset keyset;
    private Boolean unencrypted;
    private Compression compression;
    private Long partSize;
    private Integer parallelism;

    private Builder(BackupStorage storage, boolean ownsStorage) {
      this.storage = storage;
      this.ownsStorage = ownsStorage;
    }

    private static void once(Object current, String what) {
      if (current != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " was already set to " + current + "; set it once.");
      }
    }

    /**
     * Encrypts new backups with the keyset's primary key; any of its keys decrypts.
     *
     * @param keyset the keyset
     * @return this builder
     */
    public Builder encryptWith(Keyset keyset) {
      once(this.keyset, "encryptWith");
      if (unencrypted != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "encryptWith conflicts with unencrypted(), which is already set; use one.");
      }
      this.keyset = Objects.requireNonNull(keyset, "keyset");
      return this;
    }

    /**
     * Writes new backups without encryption, and reads only unencrypted ones (encrypted backups
     * can still be listed and structure-verified). Must be asked for explicitly.
     *
     * @return this builder
     */
    public Builder unencrypted() {
      once(unencrypted, "unencrypted");
      if (keyset != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "unencrypted() conflicts with encryptWith, which is already set; use one.");
      }
      this.unencrypted = true;
      return this;
    }

    /**
     * Compression of new backups (default zstd level 1).
     *
     * @param compression the compression
     * @return this builder
     */
    public Builder compression(Compression compression) {
      once(this.compression, "compression");
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /**
     * The size of the parts large sources are cut into (default 16 MiB, at least 64 KiB).
     *
     * @param bytes the part size
     * @return this builder
     */
    public Builder partSize(long bytes) {
      once(partSize, "partSize");
      if (bytes < 64 * 1024 || bytes > 1L << 30) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "partSize must be 64 KiB to 1 GiB, not " + bytes + " bytes.");
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * How many parts are compressed and encrypted at once (default: the number of processors).
     *
     * @param threads the number of threads
     * @return this builder
     */
    public Builder parallelism(int threads) {
      once(parallelism, "parallelism");
      if (threads < 1 || threads > 256) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "parallelism must be 1 to 256, not " + threads + ".");
      }
      this.parallelism = threads;
      return this;
    }

    /**
     * Opens the repository.
     *
     * @return the repository
     * @throws LockplaneException {@code INVALID_CONFIGURATION} when neither a keyset nor
     *     {@code unencrypted()} was given
     */
    public BackupRepository open() {
      if (keyset == null && unencrypted == null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "Say how backups are protected: encryptWith(keyset), or unencrypted() to store them in clear.");
      }
      RepositoryEngine engine = new RepositoryEngine(storage, compression == null ? Compression.zstd() : compression,
          keyset == null ? null : keyset.streamingAead(), keyset == null ? 0 : Integer.toUnsignedLong(keyset.keysetId()),
          keyset == null ? 0 : Integer.toUnsignedLong(keyset.primaryKeyId()),
          keyset == null ? null : keyset.primaryKeyTemplate(),
          partSize == null ? 16L << 20 : partSize,
          parallelism == null ? Runtime.getRuntime().availableProcessors() : parallelism);
      // a plaintext copy left by a backup whose process died is removed here, at the latest
      engine.staging().removeStale();
      return new BackupRepository(engine, keyset, ownsStorage);
    }
  }
}
