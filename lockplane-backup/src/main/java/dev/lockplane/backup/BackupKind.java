package dev.lockplane.backup;

/** What a backup holds and how it restores. */
public enum BackupKind {
  /** A copy of a PostgreSQL data directory plus its WAL; restores to a data directory that starts. */
  PHYSICAL,
  /** A {@code pg_dump} archive of one database; restores with {@code pg_restore}. */
  LOGICAL,
  /** A consistent copy of an SQLite database file. */
  SQLITE
}
