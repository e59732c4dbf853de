package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.MigrationState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where one database of a backup stood in Lockplane's apply history when the backup was taken: the
 * last applied migration of {@code lockplane.history} (SQLite {@code lockplane_history}) and, when the
 * backup was given it, the planner's schema hash. Lets a backup be placed against the live database:
 * "3 migrations behind the live database".
 *
 * @param backupId the backup
 * @param database the database (SQLite: {@code main})
 * @param lastMigration the history id of the last applied migration, or -1 when none had been applied
 * @param lastMigrationHash the schema hash that migration left, or null
 * @param migrations how many migrations had been applied
 * @param schemaHash the database's schema hash at backup time, or null when the backup was not given it
 */
public record BackupSchemaState(String backupId, String database, long lastMigration, String lastMigrationHash,
    long migrations, String schemaHash) {

  /** Reads a database's state from a manifest's attributes; empty when the backup recorded none. */
  static Optional<BackupSchemaState> of(String backupId, Map<String, String> attributes, String database) {
    String last = attributes.get(MigrationState.LAST + database);
    if (last == null) {
      return Optional.empty();
    }
    String count = attributes.get(MigrationState.COUNT + database);
    return Optional.of(new BackupSchemaState(backupId, database, Long.parseLong(last),
        attributes.get(MigrationState.LAST_HASH + database), count == null ? 0 : Long.parseLong(count),
        attributes.get(MigrationState.SCHEMA_HASH + database)));
  }

  /**
   * Counts the migrations the live database applied after this backup's last one.
   *
   * @param live a connection to the live database (PostgreSQL or SQLite); the caller keeps it
   * @return the number of migrations the backup is behind (0 when it is at the live database's last)
   */
  public long migrationsBehind(Connection live) {
    try {
      return MigrationState.appliedAfter(live, isSqlite(live), lastMigration);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the live database's apply history: "
          + e.getMessage(), e);
    }
  }

  /**
   * Says how this backup stands against the live database, such as {@code 3 migrations behind the live
   * database (backup at migration #4, live at #7)}.
   *
   * @param live a connection to the live database; the caller keeps it
   * @return one line
   */
  public String describeAgainst(Connection live) {
    long behind = migrationsBehind(live);
    long liveLast;
    try {
      liveLast = MigrationState.read(live, isSqlite(live)).id();
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the live database's apply history: "
          + e.getMessage(), e);
    }
    String at = "(backup at " + migration(lastMigration) + ", live at " + migration(liveLast) + ")";
    if (behind > 0) {
      return behind + " migration" + (behind == 1 ? "" : "s") + " behind the live database " + at;
    }
    if (liveLast < lastMigration) {
      return "ahead of the live database: the backup has migrations the live database's history does not " + at
          + "; is it a backup of this database?";
    }
    return "at the live database's last migration " + at;
  }

  private static String migration(long id) {
    return id < 0 ? "no migration" : "migration #" + id;
  }

  static boolean isSqlite(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("sqlite");
  }
}
