package dev.lockplane.internal.trace;

import dev.lockplane.trace.TracePolicy;
import dev.lockplane.trace.TraceReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import liquibase.change.AbstractSQLChange;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;
import liquibase.sql.Sql;
import liquibase.sqlgenerator.SqlGeneratorFactory;

/**
 * The Liquibase listener's work: Liquibase tells a change-exec listener before and after each change
 * of a change set, on the update's own connection and inside the change set's transaction, so each
 * change is observed as one statement (the SQL Liquibase generates for it, joined), and the change
 * set is judged after its last change, before Liquibase commits it.
 */
public final class LiquibaseHook {
  private final TracePolicy policy;
  private final DataSource dataSource;
  private HookSession session;
  private TraceSession.Probe probe;
  private TraceReport last;

  /**
   * Creates the hook.
   *
   * @param policy when to fail and where to write the report
   * @param dataSource a data source of the migrated database, for the second connection that samples locks
   */
  public LiquibaseHook(TracePolicy policy, DataSource dataSource) {
    this.policy = policy;
    this.dataSource = dataSource;
  }

  /** A change set starts. */
  public synchronized void willRun(ChangeSet changeSet, DatabaseChangeLog changeLog, Database database) {
    if (session == null) {
      String file = changeLog.getPhysicalFilePath() == null ? changeSet.getFilePath() : changeLog.getPhysicalFilePath();
      session = HookSession.open(policy, "Liquibase " + file, dataSource);
    }
    session.unitStarted(connection(database));
  }

  /** A change of the running change set is about to run. */
  public synchronized void willRun(Change change, ChangeSet changeSet, Database database) {
    if (session == null) {
      return;
    }
    String location = LiquibaseRunner.location(changeSet);
    String comments = (changeSet.getComments() == null ? "" : changeSet.getComments())
        + (change instanceof AbstractSQLChange raw && raw.getSql() != null ? "\n" + raw.getSql() : "");
    probe = session.before(connection(database), sql(change, database), location, comments);
  }

  /** A change ran; after the change set's last one, its findings are judged. */
  public synchronized void ran(Change change, ChangeSet changeSet) {
    if (session == null) {
      return;
    }
    if (probe != null) {
      TraceSession.Probe p = probe;
      probe = null;
      session.after(p, -1, null);
    }
    List<Change> changes = changeSet.getChanges();
    if (!changes.isEmpty() && changes.get(changes.size() - 1) == change) {
      session.unitEnded(unit(changeSet), true);
    }
  }

  /** A change set ended (after its commit): judged here only when it had no change to end it. */
  public synchronized void ran(ChangeSet changeSet) {
    if (session != null) {
      session.unitEnded(unit(changeSet), true);
    }
  }

  /** A change set failed: its failing change is reported with the error. */
  public synchronized void runFailed(ChangeSet changeSet, Exception exception) {
    if (session == null) {
      return;
    }
    if (probe != null) {
      TraceSession.Probe p = probe;
      probe = null;
      session.after(p, -1, sqlError(exception));
    }
    session.unitEnded(unit(changeSet), false);
  }

  /** Returns the report of the last run, or of the running one so far. */
  public synchronized Optional<TraceReport> report() {
    return session != null ? Optional.of(session.report()) : Optional.ofNullable(last);
  }

  /** Ends the run: writes the report file and closes the second connection. */
  public synchronized void close() {
    if (session != null) {
      HookSession s = session;
      session = null;
      probe = null;
      last = s.finish();
    }
  }

  private static String unit(ChangeSet changeSet) {
    return "Liquibase change set " + LiquibaseRunner.location(changeSet);
  }

  private static Connection connection(Database database) {
    return ((JdbcConnection) database.getConnection()).getUnderlyingConnection();
  }

  /** The SQL Liquibase generates for the change, as it will run it. */
  private static String sql(Change change, Database database) {
    try {
      Sql[] sql = SqlGeneratorFactory.getInstance().generateSql(change, database);
      if (sql != null && sql.length > 0) {
        return Arrays.stream(sql).map(Sql::toSql).collect(Collectors.joining(";\n"));
      }
    } catch (RuntimeException e) {
      // a change whose SQL depends on the database's state: its description stands in
    }
    return change.getDescription();
  }

  private static SQLException sqlError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        return s;
      }
    }
    return new SQLException(String.valueOf(e.getMessage()));
  }
}
