package dev.lockplane.internal.sql;

import dev.lockplane.ScriptException;
import dev.lockplane.clone.Script;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Runs a script statement by statement (split by {@link SqlSplitter}), so that a failure names the
 * script and the line. {@code COPY … FROM stdin} data is streamed through the PostgreSQL driver's
 * {@code CopyManager}.
 */
public final class ScriptRunner {
  private ScriptRunner() {}

  /**
   * Sees each statement before it runs: it may read it (rename hints), refuse it (by throwing), or
   * choose another connection to run it on.
   */
  @FunctionalInterface
  public interface Hook {
    /** Runs every statement on the given connection. */
    Hook NONE = (script, statement, connection) -> connection;

    /**
     * Called before a statement runs.
     *
     * @param script the script
     * @param statement the statement
     * @param connection the connection the script runs on
     * @return the connection to run this statement on
     */
    Connection before(Script script, SqlStatement statement, Connection connection);

    /** Returns the advice that ends the message of a failed statement. */
    default String advice() {
      return "Fix the script and run again.";
    }
  }

  /**
   * Runs every statement of a script on a connection in auto-commit mode.
   *
   * @param connection the connection
   * @param script the script
   * @throws ScriptException naming the script and line of the failing statement
   */
  public static void run(Connection connection, Script script) {
    run(connection, script, Hook.NONE);
  }

  /**
   * Runs every statement of a script, each on the connection the hook chooses.
   *
   * @param connection the connection
   * @param script the script
   * @param hook sees each statement first
   * @throws ScriptException naming the script and line of the failing statement
   */
  public static void run(Connection connection, Script script, Hook hook) {
    for (SqlStatement st : SqlSplitter.split(script.sql())) {
      if (st.sql().startsWith("\\")) {
        throw new ScriptException(
            script.name(), st.line(), st.sql(),
            script.name() + ":" + st.line() + ": psql meta-commands such as '" + firstWord(st.sql())
                + "' are not SQL; replace them with SQL statements (for example INSERT instead of \\copy).",
            null);
      }
      Connection target = hook.before(script, st, connection);
      try {
        if (st.isCopyFromStdin()) {
          copyIn(target, script, st);
        } else {
          try (Statement s = target.createStatement()) {
            s.execute(st.sql());
          }
        }
      } catch (SQLException e) {
        int line = st.line() + linesBefore(st.sql(), positionOf(e));
        throw new ScriptException(
            script.name(), line, st.sql(),
            script.name() + ":" + line + ": " + e.getMessage() + "\n  in statement starting at line " + st.line()
                + ": " + abbreviate(st.sql()) + "\n" + hook.advice(),
            e);
      }
    }
  }

  private static void copyIn(Connection c, Script script, SqlStatement st) throws SQLException {
    if (!c.isWrapperFor(PGConnection.class)) {
      throw new ScriptException(script.name(), st.line(), st.sql(), script.name() + ":" + st.line()
          + ": COPY … FROM stdin needs PostgreSQL; this connection is to "
          + c.getMetaData().getDatabaseProductName() + ". Use INSERT statements instead.", null);
    }
    try {
      c.unwrap(PGConnection.class).getCopyAPI().copyIn(st.sql(), new StringReader(st.copyData()));
    } catch (IOException e) {
      throw new SQLException("Cannot stream the COPY data: " + e.getMessage(), e);
    }
  }

  private static int positionOf(SQLException e) {
    if (e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null && m.getPosition() > 0) {
        return m.getPosition();
      }
    }
    return 0;
  }

  /** Newlines before the 1-based character position {@code pos} of a statement. */
  private static int linesBefore(String sql, int pos) {
    int count = 0;
    for (int i = 0; i < Math.min(pos - 1, sql.length()); i++) {
      if (sql.charAt(i) == '\n') {
        count++;
      }
    }
    return count;
  }

  private static String firstWord(String s) {
    int sp = s.indexOf(' ');
    return sp < 0 ? s : s.substring(0, sp);
  }

  private static String abbreviate(String sql) {
    String one = sql.replaceAll("\\s+", " ");
    return one.length() > 160 ? one.substring(0, 157) + "..." : one;
  }
}
