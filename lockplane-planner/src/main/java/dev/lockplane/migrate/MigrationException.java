package dev.lockplane.migrate;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;

/**
 * A phase of an expand / contract migration could not run, or stopped. The state table keeps what was
 * committed: running the phase again resumes it.
 */
public class MigrationException extends LockplaneException {
  private static final long serialVersionUID = 1L;

  private final String migrationId;
  private final Phase phase;

  /**
   * Creates the exception.
   *
   * @param code the error code
   * @param migrationId the migration
   * @param phase the phase
   * @param message what happened and what to do
   * @param cause the cause, or null
   */
  public MigrationException(ErrorCode code, String migrationId, Phase phase, String message, Throwable cause) {
    super(code, message, cause);
    this.migrationId = migrationId;
    this.phase = phase;
  }

  /** Returns the migration id. */
  public String migrationId() {
    return migrationId;
  }

  /** Returns the phase that failed. */
  public Phase phase() {
    return phase;
  }
}
