package dev.lockplane.internal.sql;

import dev.lockplane.ScriptException;
import dev.lockplane.clone.Script;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Runs a script statement by statement, so that a failure names the script and the line. */
public final class ScriptRunner {
  private ScriptRunner() {}

  /**
   * Runs every statement of a script on a connection in auto-commit mode.
   *
   * @param connection the connection
   * @param script the script
   * @throws ScriptException naming the script and line of the failing statement
   */
  public static void run(Connection connection, Script script) {
    String text = script.sql();
    for (SqlStatement st : SqlSplitter.split(text)) {
      if (st.sql().startsWith("\\")) {
        throw new ScriptException(
            script.name(), st.line(), st.sql(),
            script.name() + ":" + st.line() + ": psql meta-commands such as '" + firstWord(st.sql())
                + "' are not SQL; replace them with SQL statements (for example INSERT instead of \\copy).",
            null);
      }
      try (Statement s = connection.createStatement()) {
        s.execute(st.sql());
      } catch (SQLException e) {
        int line = st.line() + linesBefore(st.sql(), positionOf(e));
        String msg = e.getMessage();
        throw new ScriptException(
            script.name(), line, st.sql(),
            script.name() + ":" + line + ": " + msg + "\n  in statement starting at line " + st.line()
                + ": " + abbreviate(st.sql()) + "\nFix the script and run again.",
            e);
      }
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
