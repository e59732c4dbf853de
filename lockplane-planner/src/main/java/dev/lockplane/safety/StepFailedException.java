package dev.lockplane.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;

/**
 * A migration step failed. {@link #code()} is {@link ErrorCode#IN_USE} when every attempt ran out of
 * {@code lock_timeout} (another session kept a conflicting lock), {@link ErrorCode#DATABASE_ERROR} otherwise.
 */
public class StepFailedException extends LockplaneException {
  private static final long serialVersionUID = 1L;
  private final String sql;
  private final String sqlState;
  private final int attempts;

  /**
   * Creates the exception.
   *
   * @param code the error code
   * @param sql the step's statement
   * @param sqlState the server's SQLSTATE, or null
   * @param attempts how many times it was tried
   * @param message what happened and what to do
   * @param cause the driver's exception
   */
  public StepFailedException(ErrorCode code, String sql, String sqlState, int attempts, String message,
      Throwable cause) {
    super(code, message, cause);
    this.sql = sql;
    this.sqlState = sqlState;
    this.attempts = attempts;
  }

  /** Returns the step's statement. */
  public String sql() {
    return sql;
  }

  /** Returns the server's SQLSTATE, or null when the failure did not come from the server. */
  public String sqlState() {
    return sqlState;
  }

  /** Returns how many times the step was tried. */
  public int attempts() {
    return attempts;
  }
}
