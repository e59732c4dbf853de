package dev.lockplane.internal.planner;

import dev.lockplane.ScriptException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.util.PSQLException;

/** Runs a SQL script statement by statement; a failure names the script and line. */
public final class ScriptRunner {
  private ScriptRunner() {}

  public static void run(Connection c, String name, String sql, RenameHints hints, String defaultSchema) {
    for (StatementSplitter.Statement s : StatementSplitter.split(sql)) {
      if (hints != null) {
        hints.scan(s.text(), defaultSchema);
      }
      try (Statement st = c.createStatement()) {
        st.execute(s.text());
      } catch (SQLException e) {
        int line = s.line() + errorLineOffset(s.text(), e);
        throw new ScriptException(name, line, s.text(), name + ":" + line + ": " + e.getMessage()
            + " — fix the statement in the desired schema file and plan again.", e);
      }
    }
  }

  /** PostgreSQL reports the character position of an error; turn it into a line within the statement. */
  private static int errorLineOffset(String statement, SQLException e) {
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      int pos = p.getServerErrorMessage().getPosition();
      if (pos > 0 && pos <= statement.length()) {
        return (int) statement.substring(0, pos - 1).chars().filter(ch -> ch == '\n').count();
      }
    }
    return 0;
  }
}
