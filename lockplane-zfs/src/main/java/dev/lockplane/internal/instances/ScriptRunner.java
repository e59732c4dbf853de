package dev.lockplane.internal.instances;

import dev.lockplane.ScriptException;
import dev.lockplane.clone.Script;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Runs SQL scripts statement by statement, in autocommit, naming the script and line of a failure. */
final class ScriptRunner {
  private ScriptRunner() {}

  static void run(Connection conn, List<Script> scripts) {
    for (Script script : scripts) {
      for (StatementSplitter.Statement st : StatementSplitter.split(script.sql())) {
        try (Statement s = conn.createStatement()) {
          s.execute(st.sql());
        } catch (SQLException e) {
          int line = st.line() + lineInStatement(st.sql(), e);
          String state = e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]";
          throw new ScriptException(
              script.name(),
              line,
              st.sql(),
              "Script " + script.name() + " failed at line " + line + state + ": " + e.getMessage()
                  + "\nStatement:\n" + abbreviate(st.sql()) + "\nFix the script and start the manager again.",
              e);
        }
      }
    }
  }

  /** Lines between the statement's start and the error position PostgreSQL reports. */
  private static int lineInStatement(String sql, SQLException e) {
    if (e instanceof PSQLException p) {
      ServerErrorMessage m = p.getServerErrorMessage();
      if (m != null && m.getPosition() > 0) {
        int pos = Math.min(m.getPosition() - 1, sql.length());
        int k = 0;
        for (int i = 0; i < pos; i++) {
          if (sql.charAt(i) == '\n') {
            k++;
          }
        }
        return k;
      }
    }
    return 0;
  }

  private static String abbreviate(String sql) {
    return sql.length() <= 2000 ? sql : sql.substring(0, 2000) + " …";
  }
}
