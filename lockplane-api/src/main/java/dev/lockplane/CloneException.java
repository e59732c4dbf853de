package dev.lockplane;

/** An operation on a clone or snapshot failed. The exception names the clone or snapshot. */
public class CloneException extends LockplaneException {
  private static final long serialVersionUID = 1L;

  private final String target;

  /**
   * Creates an exception.
   *
   * @param code what kind of failure this is
   * @param target the name of the clone or snapshot concerned
   * @param message what happened and what to do
   * @param cause the underlying failure, or {@code null}
   */
  public CloneException(ErrorCode code, String target, String message, Throwable cause) {
    super(code, message, cause);
    this.target = target;
  }

  /** Returns the name of the clone or snapshot concerned. */
  public String target() {
    return target;
  }
}
