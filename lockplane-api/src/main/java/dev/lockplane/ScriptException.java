package dev.lockplane;

/**
 * A SQL script failed. The exception names the script and the line (1-based) of the statement that
 * failed, and carries the statement text.
 */
public class ScriptException extends LockplaneException {
  private static final long serialVersionUID = 1L;

  private final String script;
  private final int line;
  private final String statement;

  /**
   * Creates an exception.
   *
   * @param script the name of the script (a file path or classpath resource)
   * @param line the 1-based line where the failing statement or error position is
   * @param statement the failing statement
   * @param message what happened and what to do
   * @param cause the database error
   */
  public ScriptException(String script, int line, String statement, String message, Throwable cause) {
    super(ErrorCode.SCRIPT_FAILED, message, cause);
    this.script = script;
    this.line = line;
    this.statement = statement;
  }

  /** Returns the name of the script that failed. */
  public String script() {
    return script;
  }

  /** Returns the 1-based line of the failure in the script. */
  public int line() {
    return line;
  }

  /** Returns the statement that failed. */
  public String statement() {
    return statement;
  }
}
