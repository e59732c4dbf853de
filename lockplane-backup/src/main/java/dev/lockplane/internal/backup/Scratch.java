package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * A backup restored somewhere it can be queried: a started server on a restored data directory, a
 * fresh database loaded by {@code pg_restore}, or a restored SQLite file. Closing it stops what it
 * started and removes what it restored.
 */
public final class Scratch implements AutoCloseable {
  private final Manifest manifest;
  private final LocalPostgres server;
  private final boolean ownsServer;
  private final String scratchDatabase;
  private final Path dir;
  private final Path sqliteFile;

  private Scratch(Manifest manifest, LocalPostgres server, boolean ownsServer, String scratchDatabase, Path dir, Path sqliteFile) {
    this.manifest = manifest;
    this.server = server;
    this.ownsServer = ownsServer;
    this.scratchDatabase = scratchDatabase;
    this.dir = dir;
    this.sqliteFile = sqliteFile;
  }

  /**
   * Restores a backup into a scratch place.
   *
   * @param engine the repository
   * @param m the manifest
   * @param logicalServer for logical backups: a server to restore into (a scratch database is
   *     created and dropped), or {@code null} to start one of the dump's major version
   * @param onlyTable restore only this table of a logical backup, or {@code null}
   * @param progress the tracker
   * @return the scratch
   */
  public static Scratch open(RepositoryEngine engine, Manifest m, LocalPostgres logicalServer, String onlyTable,
      ProgressTracker progress) {
    Path tmp = null;
    try {
      if (m.kind().equals("sqlite")) {
        // an SQLite file is read in this process: its plaintext stays in the private staging area
        tmp = engine.staging().newEntry("scratch");
      } else {
        // a server running as another account must reach a physical restore: it cannot live in the 0700 repository
        tmp = Files.createTempDirectory("lockplane-scratch-");
        Posixish.allowTraverse(tmp);
      }
      switch (m.kind()) {
        case "physical" -> {
          Path data = tmp.resolve("data");
          Restorer.restoreFiles(engine, m, data, p -> true, false, progress);
          Restorer.makeDataDirectory(data);
          LocalPostgres pg = LocalPostgres.builder().version(m.serverMajor()).dataDirectory(data).start();
          return new Scratch(m, pg, true, null, tmp, null);
        }
        case "logical" -> {
          LocalPostgres pg = logicalServer;
          boolean owns = false;
          if (pg == null) {
            pg = LocalPostgres.builder().version(m.serverMajor()).start();
            owns = true;
          }
          String db = "lockplane_scratch_" + m.id().replace('-', '_').toLowerCase(java.util.Locale.ROOT)
              + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
          try {
            LogicalRestore.intoDatabase(engine, m, pg, db, false, onlyTable, progress);
          } catch (RuntimeException e) {
            if (owns) {
              pg.close();
            }
            throw e;
          }
          return new Scratch(m, pg, owns, db, tmp, null);
        }
        case "sqlite" -> {
          Path data = tmp.resolve("db");
          Restorer.restoreFiles(engine, m, data, p -> true, false, progress);
          return new Scratch(m, null, false, null, tmp, data.resolve(SqliteSource.FILE));
        }
        default -> throw new BackupException(ErrorCode.UNSUPPORTED, "Backup " + m.id() + " has an unknown kind '" + m.kind() + "'.",
            m.id(), null, null);
      }
    } catch (IOException e) {
      if (tmp != null) {
        Staging.delete(tmp);
      }
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot create a scratch directory: " + Redaction.text(e), m.id(), null, e);
    } catch (RuntimeException e) {
      if (tmp != null) {
        Staging.delete(tmp);
      }
      throw e;
    }
  }

  /** Returns the started server, when there is one. */
  public LocalPostgres server() {
    return server;
  }

  /**
   * Connects to one of the backup's databases.
   *
   * @param database the database as recorded in the backup (ignored for SQLite)
   * @return a connection
   */
  public Connection connect(String database) throws SQLException {
    if (sqliteFile != null) {
      return DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
    }
    return server.connect(scratchDatabase != null ? scratchDatabase : database);
  }

  /** Reads the row counts and columns of every table, keyed as at backup time. */
  public Map<String, Manifest.TableInfo> stats() throws SQLException {
    Map<String, Manifest.TableInfo> out = new TreeMap<>();
    if (sqliteFile != null) {
      try (Connection c = connect("main")) {
        out.putAll(TableStats.sqlite(c));
      }
      return out;
    }
    for (String db : manifest.databases()) {
      try (Connection c = connect(db)) {
        Map<String, Manifest.TableInfo> s = TableStats.postgres(c, db);
        out.putAll(s);
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        if (ownsServer) {
          server.close();
        } else if (scratchDatabase != null) {
          try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(scratchDatabase) + " WITH (FORCE)");
          } catch (SQLException ignored) {
            // the scratch database stays; its name says what it is
          }
        }
      }
    } finally {
      if (dir != null) {
        Staging.delete(dir);
      }
    }
  }
}
