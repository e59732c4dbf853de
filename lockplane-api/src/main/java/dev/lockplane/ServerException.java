package dev.lockplane;

import java.util.Optional;

/**
 * A PostgreSQL server managed by Lockplane failed to start, stop or keep running. The message
 * quotes the end of the server log; {@link #serverLog()} gives the path to the whole log.
 */
public class ServerException extends LockplaneException {
  private static final long serialVersionUID = 1L;

  private final String serverLog;

  /**
   * Creates an exception.
   *
   * @param code what kind of failure this is
   * @param message what happened, including the relevant lines of the server log
   * @param serverLog the path of the server log file, or {@code null} when there is none yet
   * @param cause the underlying failure, or {@code null}
   */
  public ServerException(ErrorCode code, String message, String serverLog, Throwable cause) {
    super(code, message, cause);
    this.serverLog = serverLog;
  }

  /** Returns the path of the server log file, when the server got far enough to write one. */
  public Optional<String> serverLog() {
    return Optional.ofNullable(serverLog);
  }
}
