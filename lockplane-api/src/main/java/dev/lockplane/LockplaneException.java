package dev.lockplane;

import java.util.Objects;

/**
 * The root of every exception Lockplane throws. It is unchecked and carries an {@link ErrorCode};
 * subclasses carry the context of their subsystem (the clone, the script, the server log).
 *
 * <p>Messages say what happened, to what, and what to do about it.
 */
public class LockplaneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * Creates an exception.
   *
   * @param code what kind of failure this is
   * @param message what happened, to what, and what to do
   */
  public LockplaneException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code what kind of failure this is
   * @param message what happened, to what, and what to do
   * @param cause the underlying failure
   */
  public LockplaneException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Returns the machine-readable code of this failure. */
  public ErrorCode code() {
    return code;
  }
}
