package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.Progress;
import dev.lockplane.internal.sql.Identifiers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * An SQLite backup: {@code VACUUM INTO} writes a consistent, compacted copy inside one read
 * transaction while other connections keep writing; the copy is then stored like any file. The
 * copy is plaintext, so it lives in the repository's staging area, in a file created with mode 0600
 * before SQLite writes to it, and is removed whatever the outcome.
 */
public final class SqliteSource {
  /** The path of the database file inside the backup. */
  public static final String FILE = "sqlite/database.sqlite";

  /** What an SQLite backup recorded. */
  public record Result(String libraryVersion, Map<String, Manifest.TableInfo> tables) {}

  private SqliteSource() {}

  /**
   * Runs the backup.
   *
   * @param database the database file
   * @param backupId the backup id
   * @param writer the data writer
   * @param staging the repository's staging area
   * @param progress the progress tracker
   * @return the recorded facts
   */
  public static Result run(Path database, String backupId, DataWriter writer, Staging staging, ProgressTracker progress) {
    if (!Files.isRegularFile(database)) {
      throw new BackupException(ErrorCode.NOT_FOUND,
          "No SQLite database at " + database + "; give the path of an existing database file.", backupId, null, null);
    }
    Path spool = null;
    try {
      spool = staging.newEntry("sqlite");
      // VACUUM INTO fills an existing empty file and keeps its mode: created private, it never is anything else
      Path copy = Staging.newPrivateFile(spool, "copy.sqlite");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
          Statement s = c.createStatement()) {
        s.execute("VACUUM INTO " + Identifiers.literal(copy.toString()));
      }
      String version;
      Map<String, Manifest.TableInfo> tables;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
        rs.next();
        version = rs.getString(1);
        tables = TableStats.sqlite(c);
      }
      long size = Files.size(copy);
      progress.phase(Progress.Phase.COPYING, size, 1);
      writer.addFile(FILE, copy, size, false, database);
      writer.awaitAll();
      return new Result(version, tables);
    } catch (SQLException e) {
      // SQLITE_FULL: the staged copy filled the repository's filesystem, where staging lives
      if (e.getErrorCode() == 13 || DataWriter.isDiskFull(e)) {
        throw new BackupException(ErrorCode.DISK_FULL, "SQLite backup " + backupId + " of " + database
            + " stopped: the filesystem of the repository's staging area " + staging.directory()
            + " is full (" + Redaction.message(e) + "). The partial backup was removed; free space or choose another"
            + " repository.", backupId, null, Redaction.cause(e));
      }
      throw new BackupException(ErrorCode.DATABASE_ERROR,
          "SQLite backup " + backupId + " of " + database + " failed: " + Redaction.message(e), backupId, null, Redaction.cause(e));
    } catch (IOException e) {
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "SQLite backup " + backupId + " of " + database + " failed: " + Redaction.text(e), backupId, null, Redaction.cause(e));
    } finally {
      if (spool != null) {
        Staging.delete(spool);
      }
    }
  }
}
