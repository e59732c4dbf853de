package dev.lockplane.internal.trace;

import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.SqlSplitter;
import dev.lockplane.internal.sql.SqlStatement;
import dev.lockplane.safety.SqlStep;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.core.TransactionState;

/**
 * Runs SQL scripts the way {@code psql} runs a file, and plan steps the way apply runs them, with every
 * statement observed. A statement outside an explicit transaction runs in a transaction of its own,
 * which commits right after it, so that its locks can be read exactly before they are released; one
 * that PostgreSQL refuses there (SQLSTATE 25001, as VACUUM or CONCURRENTLY) is rolled back and run
 * on its own again, as {@code psql} would have run it.
 */
final class SqlRunner {
  private SqlRunner() {}

  private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK",
      "ABORT", "SAVEPOINT", "RELEASE");

  static void scripts(TraceSession session, Connection work, List<Script> scripts) throws SQLException {
    for (Script script : scripts) {
      for (SqlStatement st : SqlSplitter.split(script.sql())) {
        if (session.failed()) {
          return;
        }
        execute(session, work, st.sql(), script.name() + ":" + st.line(), st.leadingComments(), st.copyData(), null);
      }
    }
    endOpenTransaction(session, work);
  }

  static void steps(TraceSession session, Connection work, List<SqlStep> steps, Duration lockTimeout)
      throws SQLException {
    // Set as apply sets it, before the first step; not a statement of the migration itself.
    try (Statement s = work.createStatement()) {
      s.execute("SET lock_timeout = " + lockTimeout.toMillis());
    }
    int n = 1;
    for (SqlStep step : steps) {
      if (session.failed()) {
        return;
      }
      String where = "step " + n++ + (step.description().isEmpty() ? "" : ": " + step.description());
      execute(session, work, step.sql(), where, "", null, step.transactional());
    }
  }

  /** A script that leaves a transaction open ends like a {@code psql} session: rolled back. */
  private static void endOpenTransaction(TraceSession session, Connection work) throws SQLException {
    if (TraceSession.state(work) != TransactionState.IDLE) {
      try (Statement s = work.createStatement()) {
        s.execute("ROLLBACK");
      }
      session.transactionEnded();
    }
  }

  /**
   * Runs one statement.
   *
   * @param transactional null to decide as psql would; true or false as a plan step says
   */
  private static void execute(TraceSession session, Connection work, String sql, String location, String comments,
      String copyData, Boolean transactional) throws SQLException {
    boolean wrap = TraceSession.state(work) == TransactionState.IDLE && !control(sql)
        && (transactional == null || transactional);
    if (wrap) {
      work.setAutoCommit(false);
      try {
        TraceSession.Probe p = session.before(work, sql, location, comments);
        long rows;
        try {
          rows = run(work, sql, copyData);
        } catch (SQLException e) {
          if ("25001".equals(e.getSQLState()) && transactional == null) {
            session.abandon(p);
            work.rollback();
            work.setAutoCommit(true);
            direct(session, work, sql, location, comments, copyData);
            return;
          }
          session.after(p, -1, e);
          work.rollback();
          session.transactionEnded();
          return;
        }
        session.after(p, rows, null);
        work.commit();
        session.transactionEnded();
      } finally {
        work.setAutoCommit(true);
      }
    } else {
      direct(session, work, sql, location, comments, copyData);
    }
  }

  private static void direct(TraceSession session, Connection work, String sql, String location, String comments,
      String copyData) throws SQLException {
    TraceSession.Probe p = session.before(work, sql, location, comments);
    try {
      session.after(p, run(work, sql, copyData), null);
    } catch (SQLException e) {
      session.after(p, -1, e);
      endOpenTransaction(session, work);
    }
  }

  private static long run(Connection work, String sql, String copyData) throws SQLException {
    if (copyData != null) {
      try {
        return work.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(copyData));
      } catch (IOException e) {
        throw new SQLException("COPY data could not be sent: " + e.getMessage(), e);
      }
    }
    try (Statement s = work.createStatement()) {
      return s.execute(sql) ? -1 : s.getLargeUpdateCount();
    }
  }

  private static boolean control(String sql) {
    String first = sql.strip().split("[\\s;]+", 2)[0].toUpperCase(Locale.ROOT);
    return TRANSACTION_CONTROL.contains(first);
  }
}
