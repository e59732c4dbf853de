package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.internal.backup.ForeignCluster;
import dev.lockplane.internal.backup.LogicalRestore;
import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.ProgressTracker;
import dev.lockplane.internal.backup.RepositoryEngine;
import dev.lockplane.internal.backup.Restorer;
import dev.lockplane.internal.backup.SqliteSource;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Describes a restore of one backup. Targets that are not empty are refused unless
 * {@link #overwrite(boolean)} allows replacing them; paths in a manifest that would escape the
 * target are refused before anything is written; a restore that fails removes what it wrote.
 */
public final class RestoreRequest {
  private final RepositoryEngine engine;
  private final Manifest manifest;
  private boolean overwrite;
  private ProgressListener listener = ProgressListener.NONE;

  RestoreRequest(RepositoryEngine engine, Manifest manifest) {
    this.engine = engine;
    this.manifest = manifest;
  }

  /**
   * Whether a non-empty target may be emptied (a directory) or replaced (a database's objects, a
   * file). Default false.
   *
   * @param overwrite whether to replace
   * @return this request
   */
  public RestoreRequest overwrite(boolean overwrite) {
    this.overwrite = overwrite;
    return this;
  }

  /**
   * Receives progress.
   *
   * @param listener the listener
   * @return this request
   */
  public RestoreRequest progress(ProgressListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Writes the backup's files into a directory: a data directory for physical backups (owned by
   * the account the server runs as, mode 0700), the dump for logical ones, the file for SQLite.
   *
   * @param directory the target directory, empty or missing
   * @return the directory
   */
  public Path toDirectory(Path directory) {
    Path target = directory.toAbsolutePath().normalize();
    Restorer.restoreFiles(engine, manifest, target, p -> true, overwrite, new ProgressTracker(listener));
    if (manifest.kind().equals("physical")) {
      Restorer.makeDataDirectory(target);
    }
    return target;
  }

  /**
   * Restores the backup into a new temporary data directory and starts a server on it: a queryable
   * copy of the cluster as it was at backup time (a physical backup), or a new server of the backup's
   * major version holding the one database of a logical backup, under its own name.
   *
   * @return the running server; close it to stop it and remove its data
   */
  public RestoredServer asServer() {
    if (!manifest.kind().equals("logical")) {
      requireKind("physical", "asServer()");
    }
    Path tmp;
    try {
      tmp = Files.createTempDirectory("lockplane-restored-");
      if (Posix.isRoot()) {
        Posix.chmod(tmp, "rwx--x--x");
      }
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot create a temporary directory: " + e, manifest.id(), null, e);
    }
    LocalPostgres pg = null;
    try {
      if (manifest.kind().equals("logical")) {
        pg = LocalPostgres.builder().version(manifest.serverMajor()).dataDirectory(tmp.resolve("data")).start();
        LogicalRestore.intoDatabase(engine, manifest, pg, manifest.databases().get(0), false, null,
            new ProgressTracker(listener));
      } else {
        Path data = toDirectory(tmp.resolve("data"));
        boolean foreign = ForeignCluster.prepare(data);
        Restorer.makeDataDirectory(data);
        pg = LocalPostgres.builder().version(manifest.serverMajor()).dataDirectory(data).start();
        if (foreign) {
          // the first connection set a password of Lockplane's own; from now on passwords are required
          try (var c = pg.connect("postgres"); var s = c.createStatement()) {
            ForeignCluster.finish(data);
            s.execute("SELECT pg_reload_conf()");
          }
        }
      }
      return new RestoredServer(pg, tmp, manifest.id());
    } catch (IOException | java.sql.SQLException | RuntimeException e) {
      if (pg != null) {
        pg.close();
      }
      FileTrees.deleteQuietly(tmp);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot start a server on backup " + manifest.id() + ": "
          + e.getMessage(), manifest.id(), null, e);
    }
  }

  /**
   * Restores a physical backup once (as {@link #asServer()} does) and offers one of its databases as
   * the golden of thin clones: each clone is a private, writable copy of the data at backup time.
   *
   * @param database the database of the backed-up cluster to clone
   * @return the clones; close them to stop the restored server and remove its data
   */
  public RestoredClones intoClones(String database) {
    requireKind("physical", "intoClones(database)");
    Objects.requireNonNull(database, "database");
    if (!manifest.databases().contains(database)) {
      throw new BackupException(ErrorCode.NOT_FOUND, "Backup " + manifest.id() + " holds no database '" + database
          + "'; it holds " + manifest.databases() + ".", manifest.id(), null, null);
    }
    RestoredServer server = asServer();
    try {
      CloneManager clones = CloneManagers.databases(server.server()).golden(Golden.fromDatabase(database)).start();
      return new RestoredClones(clones, server, manifest.id());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Restores a logical backup once into a new database on {@code pg} and offers it as the golden of
   * thin clones: each clone is a private, writable copy of the data at backup time.
   *
   * @param pg the server to restore on (its major version picks {@code pg_restore})
   * @return the clones; close them to drop them and the restored database
   */
  public RestoredClones intoClones(LocalPostgres pg) {
    requireKind("logical", "intoClones(server)");
    String database = "lp_restored_" + manifest.id().replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT);
    if (database.length() > 60) {
      database = database.substring(0, 60);
    }
    String db = database;
    LogicalRestore.intoDatabase(engine, manifest, pg, db, overwrite, null, new ProgressTracker(listener));
    CloneManager clones;
    try {
      clones = CloneManagers.databases(pg).golden(Golden.fromDatabase(db)).start();
    } catch (RuntimeException e) {
      dropQuietly(pg, db, e);
      throw e;
    }
    // the golden copied from the restored database is cached by the manager; here it goes with it
    String golden = clones.golden().name();
    AutoCloseable dropRestored = () -> {
      try (var c = pg.connect("postgres"); var s = c.createStatement()) {
        s.execute("ALTER DATABASE \"" + golden + "\" WITH IS_TEMPLATE false");
        s.execute("DROP DATABASE IF EXISTS \"" + golden + "\" WITH (FORCE)");
        s.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
      }
    };
    return new RestoredClones(clones, dropRestored, manifest.id());
  }

  private static void dropQuietly(LocalPostgres pg, String db, RuntimeException failure) {
    try (var c = pg.connect("postgres"); var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
    } catch (java.sql.SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Restores a logical backup into a database with {@code pg_restore} (of the target server's
   * major version), creating the database when missing.
   *
   * @param pg the target server
   * @param database the target database
   */
  public void intoDatabase(LocalPostgres pg, String database) {
    requireKind("logical", "intoDatabase(...)");
    LogicalRestore.intoDatabase(engine, manifest, pg, database, overwrite, null, new ProgressTracker(listener));
  }

  /**
   * Restores an SQLite backup to a database file.
   *
   * @param file the target file; refused when it exists, unless overwrite is allowed
   * @return the file
   */
  public Path toFile(Path file) {
    requireKind("sqlite", "toFile(...)");
    Path target = file.toAbsolutePath().normalize();
    if (Files.exists(target) && !overwrite) {
      throw new BackupException(ErrorCode.ALREADY_EXISTS, "The restore target " + target
          + " exists. Choose a new file, or allow replacing it (overwrite(true), --overwrite).", manifest.id(), null, null);
    }
    Manifest.FileEntry entry = manifest.files().stream().filter(f -> f.path().equals(SqliteSource.FILE)).findFirst()
        .orElseThrow(() -> new BackupException(ErrorCode.CORRUPTED, "Backup " + manifest.id() + " holds no SQLite file.",
            manifest.id(), null, null));
    var codec = engine.codecFor(manifest);
    Restorer.probeKey(engine, codec, manifest);
    Path tmp = target.resolveSibling(target.getFileName() + ".lockplane-restore");
    ProgressTracker tracker = new ProgressTracker(listener);
    try {
      Files.createDirectories(target.getParent());
      try (OutputStream out = Restorer.newPrivateFile(tmp)) {
        Restorer.copyPlaintext(engine, codec, manifest, entry, out, tracker);
      }
      Restorer.applyMode(tmp, entry);
      Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException | RuntimeException e) {
      FileTrees.deleteQuietly(tmp);
      if (e instanceof BackupException be) {
        throw be;
      }
      throw new BackupException(ErrorCode.IO_ERROR, "Restoring backup " + manifest.id() + " to " + target + " failed: " + e,
          manifest.id(), null, e);
    }
  }

  private void requireKind(String kind, String what) {
    if (!manifest.kind().equals(kind)) {
      throw new BackupException(ErrorCode.UNSUPPORTED, "Backup " + manifest.id() + " is a " + manifest.kind()
          + " backup; " + what + " restores " + kind + " backups. Use toDirectory(...)"
          + (manifest.kind().equals("logical") ? " or intoDatabase(...)" : manifest.kind().equals("physical")
              ? " or asServer()" : " or toFile(...)") + ".", manifest.id(), null, null);
    }
  }
}
