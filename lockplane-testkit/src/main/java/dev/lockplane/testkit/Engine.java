package dev.lockplane.testkit;

/** The database engine a {@link LockplaneTest} clones. */
public enum Engine {
  /** The configuration parameter {@code lockplane.engine}, else {@link #POSTGRES}. */
  DEFAULT,
  /** PostgreSQL, on the embedded server: database-level clones. */
  POSTGRES,
  /** SQLite: file clones. */
  SQLITE
}
