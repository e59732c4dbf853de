package dev.lockplane.trace.liquibase;

import dev.lockplane.internal.trace.LiquibaseHook;
import dev.lockplane.trace.TracePolicy;
import dev.lockplane.trace.TraceReport;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import liquibase.change.Change;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;

/**
 * A Liquibase change-exec listener that traces each change set as Liquibase runs it — the locks
 * each change takes (sampled from a second connection of the given data source), the tables it
 * rewrites, the WAL it writes, and the findings of the trace's rules
 * ({@link dev.lockplane.trace.TraceRule}) — and aborts the update before a change set commits when a
 * finding reaches the policy's risk: Liquibase rolls the change set back and fails the update. Each
 * change set is judged against the schema the earlier ones left.
 *
 * <pre>{@code
 * try (LockplaneLiquibaseListener lockplane = LockplaneLiquibaseListener.of(
 *     TracePolicy.builder().failAt(RiskClass.DANGEROUS).build(), dataSource)) {
 *   liquibase.setChangeExecListener(lockplane);   // or UpdateCommandStep.CHANGE_EXEC_LISTENER_ARG
 *   liquibase.update(new Contexts(), new LabelExpression());
 * }
 * }</pre>
 *
 * <p>Liquibase tells a listener about changes, not statements: each change is one statement of the
 * report, its SQL the statements Liquibase generates for it. Rows touched are reported as -1. A
 * change set with {@code runInTransaction: false} has run when it is judged. Closing ends the run:
 * it writes the report file and closes the second connection; the report file is also written when
 * a change set fails.
 */
public final class LockplaneLiquibaseListener extends AbstractChangeExecListener implements AutoCloseable {
  private final LiquibaseHook hook;

  private LockplaneLiquibaseListener(TracePolicy policy, DataSource dataSource) {
    this.hook = new LiquibaseHook(policy, dataSource);
  }

  /**
   * Creates a listener.
   *
   * @param policy when to fail and where to write the report
   * @param dataSource a data source of the database Liquibase updates, for a second connection
   * @return the listener
   */
  public static LockplaneLiquibaseListener of(TracePolicy policy, DataSource dataSource) {
    return new LockplaneLiquibaseListener(Objects.requireNonNull(policy, "policy"),
        Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Returns what the last update (or the running one, so far) did.
   *
   * @return the report, empty before the first change set
   */
  public Optional<TraceReport> report() {
    return hook.report();
  }

  @Override
  public void willRun(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database,
      ChangeSet.RunStatus runStatus) {
    hook.willRun(changeSet, databaseChangeLog, database);
  }

  @Override
  public void willRun(Change change, ChangeSet changeSet, DatabaseChangeLog changeLog, Database database) {
    hook.willRun(change, changeSet, database);
  }

  @Override
  public void ran(Change change, ChangeSet changeSet, DatabaseChangeLog changeLog, Database database) {
    hook.ran(change, changeSet);
  }

  @Override
  public void ran(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database,
      ChangeSet.ExecType execType) {
    hook.ran(changeSet);
  }

  @Override
  public void runFailed(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database, Exception exception) {
    hook.runFailed(changeSet, exception);
  }

  /** Ends the run: writes the report file and closes the second connection. Closing twice is safe. */
  @Override
  public void close() {
    hook.close();
  }
}
