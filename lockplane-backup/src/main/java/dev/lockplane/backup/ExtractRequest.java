package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.Extractor;
import dev.lockplane.internal.backup.Manifest;
import dev.lockplane.internal.backup.ProgressTracker;
import dev.lockplane.internal.backup.RepositoryEngine;
import dev.lockplane.internal.backup.Scratch;
import dev.lockplane.postgres.LocalPostgres;
import java.io.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Extracts the rows of one table from a backup, for merging lost rows back: the backup is restored
 * into a scratch place (a started copy of a physical backup, a scratch database for a logical one,
 * a temporary file for SQLite), queried, and removed.
 *
 * <pre>{@code
 * long n = repo.extract(id, "public.accounts").where("id BETWEEN 100 AND 200")
 *     .format(ExtractFormat.INSERTS).to(writer);
 * }</pre>
 */
public final class ExtractRequest {
  private final RepositoryEngine engine;
  private final Manifest manifest;
  private final String table;
  private String database;
  private String where;
  private ExtractFormat format = ExtractFormat.INSERTS;
  private LocalPostgres scratchServer;

  ExtractRequest(RepositoryEngine engine, Manifest manifest, String table) {
    this.engine = engine;
    this.manifest = manifest;
    this.table = table;
  }

  /**
   * The database holding the table (physical backups hold several; default: the first).
   *
   * @param database the database
   * @return this request
   */
  public ExtractRequest database(String database) {
    this.database = Objects.requireNonNull(database, "database");
    return this;
  }

  /**
   * Keeps only rows matching a SQL condition, run against the scratch copy (never against a live
   * database).
   *
   * @param condition a boolean SQL expression
   * @return this request
   */
  public ExtractRequest where(String condition) {
    this.where = Objects.requireNonNull(condition, "condition");
    return this;
  }

  /**
   * The output format (default {@link ExtractFormat#INSERTS}).
   *
   * @param format the format
   * @return this request
   */
  public ExtractRequest format(ExtractFormat format) {
    this.format = Objects.requireNonNull(format, "format");
    return this;
  }

  /**
   * For logical backups: the server to load the scratch database into (default: a server of the
   * dump's major version is started and stopped).
   *
   * @param pg the server
   * @return this request
   */
  public ExtractRequest using(LocalPostgres pg) {
    this.scratchServer = Objects.requireNonNull(pg, "pg");
    return this;
  }

  /**
   * Writes the rows.
   *
   * @param out where to write; not closed
   * @return the number of rows written
   */
  public long to(Writer out) {
    String db = database != null ? database : manifest.databases().get(0);
    if (!manifest.databases().contains(db)) {
      throw new LockplaneException(ErrorCode.NOT_FOUND,
          "Backup " + manifest.id() + " holds databases " + manifest.databases() + ", not '" + db + "'.");
    }
    boolean sqlite = manifest.kind().equals("sqlite");
    String qualified = sqlite ? "main." + table : table.contains(".") ? table : "public." + table;
    if (!manifest.tables().containsKey(db + "." + qualified) && !(sqlite && manifest.tables().containsKey(qualified))) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "Backup " + manifest.id() + " has no table " + qualified
          + " in database '" + db + "'. Tables: " + manifest.tables().keySet());
    }
    String only = manifest.kind().equals("logical") ? qualified : null;
    try (Scratch s = Scratch.open(engine, manifest, scratchServer, only, new ProgressTracker(null));
        Connection c = s.connect(db)) {
      return Extractor.extract(c, sqlite ? null : qualified.substring(0, qualified.indexOf('.')),
          qualified.substring(qualified.indexOf('.') + 1), where, format, out);
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Extracting " + qualified + " from backup " + manifest.id()
          + " failed: " + e.getMessage() + (where != null ? " (check the WHERE condition)" : ""), manifest.id(), null, e);
    }
  }
}
