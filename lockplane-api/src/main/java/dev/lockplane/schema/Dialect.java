package dev.lockplane.schema;

/** The database dialect a schema model or a plan belongs to. */
public enum Dialect {
  /** PostgreSQL 13 to 18. */
  POSTGRESQL,
  /** SQLite 3.35 or later. */
  SQLITE
}
