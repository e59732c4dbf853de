package dev.lockplane.internal.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.trace.MigrationSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Lets Liquibase update the clone itself (it parses the changelog, generates the PostgreSQL SQL of
 * each change and runs each change set in its transaction) and observes each statement it executes
 * for a change. Loaded only for Liquibase sources: Liquibase is an optional dependency.
 */
final class LiquibaseRunner extends AbstractChangeExecListener implements ObservedJdbc.Locator {
  private String current;
  private String comments = "";

  private LiquibaseRunner() {}

  static void run(TraceSession session, DataSource clone, MigrationSource.Liquibase source) {
    Path file = source.changelog().toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "Liquibase changelog " + file + " does not exist: "
          + "name the changelog file (XML, YAML, JSON or SQL)");
    }
    LiquibaseRunner runner = new LiquibaseRunner();
    Map<String, Object> scope = new HashMap<>();
    // No usage data leaves the machine, and Liquibase's console output stays out of the report.
    scope.put("liquibase.analytics.enabled", false);
    scope.put(Scope.Attr.ui.name(), new LoggerUIService());
    try (Connection connection = ObservedJdbc.connection(clone.getConnection(), session, runner)) {
      Scope.child(scope, () -> {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
        Liquibase liquibase = new Liquibase(file.getFileName().toString(), new DirectoryResourceAccessor(file.getParent()),
            database);
        liquibase.setChangeExecListener(runner);
        liquibase.update(new Contexts(source.contexts().toArray(String[]::new)), new LabelExpression());
      });
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Liquibase could not reach the clone: " + e.getMessage(), e);
    } catch (Exception e) {
      if (!session.failed()) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "Liquibase refused changelog " + file + ": "
            + rootMessage(e) + " — fix the changelog and trace again", e);
      }
    }
  }

  /** The first message in the cause chain that is not just a wrapped exception's class and message. */
  private static String rootMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank() && !m.startsWith("liquibase.exception.") && !m.startsWith("java.")) {
        return m.strip();
      }
    }
    return String.valueOf(e.getMessage());
  }

  /** A change set's location in reports: {@code changelog::id::author}. */
  static String location(ChangeSet changeSet) {
    return changeSet.getFilePath() + "::" + changeSet.getId() + "::" + changeSet.getAuthor();
  }

  @Override
  public void willRun(Change change, ChangeSet changeSet, DatabaseChangeLog changeLog, Database database) {
    current = location(changeSet);
    comments = changeSet.getComments() == null ? "" : changeSet.getComments();
  }

  @Override
  public void ran(Change change, ChangeSet changeSet, DatabaseChangeLog changeLog, Database database) {
    current = null;
  }

  @Override
  public void runFailed(ChangeSet changeSet, DatabaseChangeLog changeLog, Database database, Exception exception) {
    current = null;
  }

  @Override
  public ObservedJdbc.Located next(String sql) {
    return current == null ? null : new ObservedJdbc.Located(current, comments);
  }
}
