package dev.lockplane;

/**
 * A machine-readable code carried by every {@link LockplaneException}, so that tools can act on a
 * failure without parsing its message.
 */
public enum ErrorCode {
  /** A setting given to a builder or annotation is invalid, duplicated or conflicts with another. */
  INVALID_CONFIGURATION,
  /** PostgreSQL binaries for the requested major version could not be found. */
  BINARIES_NOT_FOUND,
  /** A data directory is already used by a running server. */
  DATA_DIRECTORY_IN_USE,
  /** The TCP port chosen for a server was taken by another process. */
  PORT_IN_USE,
  /** The filesystem ran out of space. */
  DISK_FULL,
  /** A server failed to start or exited while starting. */
  SERVER_START_FAILED,
  /** A server that was running stopped unexpectedly. */
  SERVER_CRASHED,
  /** A SQL script failed; the exception names the script and line. */
  SCRIPT_FAILED,
  /** No clone or snapshot has the given name. */
  NOT_FOUND,
  /** A clone or snapshot with the given name already exists. */
  ALREADY_EXISTS,
  /** A snapshot cannot be removed because clones still depend on it. */
  IN_USE,
  /** A statement sent to the database failed. */
  DATABASE_ERROR,
  /** A filesystem operation failed. */
  IO_ERROR,
  /** The object was already closed. */
  CLOSED,
  /** The operation is not supported by this backend or server version. */
  UNSUPPORTED,
  /** The operating system refused an operation (permissions, missing command). */
  OS_ERROR,
  /** Stored data does not match its recorded checksum, or fails authentication when decrypted. */
  CORRUPTED,
  /** No key (or not the right key) is available to encrypt or decrypt a backup. */
  KEY_UNAVAILABLE,
  /** A document (Lockplane JSON, a plan file) is malformed or does not follow its format. */
  INVALID_INPUT,
  /** The database's schema is no longer the one a plan was made from. */
  SCHEMA_CHANGED,
  /** A step of a plan failed while being applied. */
  APPLY_FAILED,
  /** The safety level refuses a plan step (a dangerous, multi-phase or lossy change). */
  UNSAFE_CHANGE,
  /**
   * A plan would destroy rows (a dropped table or column, a lossy type change, a table rebuilt without
   * some of its columns) and losing data was not allowed; the message lists each object and its rows.
   */
  DATA_LOSS,
  /**
   * Rows restored from a backup conflict with rows written to the live database since: nothing was
   * merged; the message lists each conflicting row.
   */
  MERGE_CONFLICT
}
