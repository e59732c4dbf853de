package dev.lockplane.internal.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.planner.PlanValidation;
import dev.lockplane.trace.LoadReport;
import dev.lockplane.trace.MigrationSource;
import dev.lockplane.trace.QueryCheck;
import dev.lockplane.trace.QueryComparison;
import dev.lockplane.trace.TraceReport;
import dev.lockplane.trace.TracedStatement;
import dev.lockplane.trace.Workload;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/** Runs a migration trace: clone, observed run, destroy (also on failure). */
public final class TraceRunner {
  private TraceRunner() {}

  /**
   * Runs the trace.
   *
   * @param clones where the clone comes from
   * @param snapshot the snapshot to clone, or null for the golden
   * @param source the migration
   * @param ignored rule ids ignored everywhere
   * @param slow the slow-statement threshold
   * @param interval the lock sampling interval
   * @param listener told of each statement when its transaction ends
   * @param workload the workload to run beside a second, timed run, or null
   * @param queries queries to compare before and after the migration, or null
   * @return the report
   */
  public static TraceReport run(CloneManager clones, Snapshot snapshot, MigrationSource source, Set<String> ignored,
      Duration slow, Duration interval, Consumer<TracedStatement> listener, Workload workload, QueryCheck queries) {
    if (source instanceof MigrationSource.Flyway) {
      requireClass("org.flywaydb.core.Flyway", "org.flywaydb:flyway-core and org.flywaydb:flyway-database-postgresql");
    } else if (source instanceof MigrationSource.Liquibase) {
      requireClass("liquibase.Liquibase", "org.liquibase:liquibase-core");
    }
    String name = "trace_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    TraceReport traced;
    Clone clone = snapshot == null ? clones.create(name) : clones.create(name, snapshot);
    // The second connection samples pg_locks while a statement runs and reads the WAL position between them.
    try (Connection sampler = clone.dataSource().getConnection()) {
      int version = sampler.getMetaData().getDatabaseMajorVersion();
      List<QueryPlans.Measured> before = null;
      if (queries != null) {
        before = QueryPlans.measure(sampler, queries);
        QueryPlans.requireRunnable(queries, before);
      }
      TraceSession session = new TraceSession(sampler, interval, ignored, slow, version, listener);
      execute(session, clone, source);
      List<TracedStatement> statements = session.finish();
      boolean ok = statements.stream().allMatch(TracedStatement::succeeded);
      List<QueryComparison> compared = queries == null || !ok ? List.of()
          : QueryPlans.compare(queries, before, QueryPlans.measure(sampler, queries));
      traced = new TraceReport(source.describe(), clone.name(), version, statements, Optional.empty(), compared);
    } catch (SQLException e) {
      throw lost(clone, e);
    } finally {
      clone.destroy();
    }
    if (workload == null || !traced.succeeded()) {
      return traced;
    }
    // Under load the migration runs again on a clone of its own, timed only, so that the trace's
    // pauses between statements do not hold its locks longer than the migration would.
    Clone loaded = snapshot == null ? clones.create("load" + name) : clones.create("load" + name, snapshot);
    try {
      LoadReport load = LoadMeasurement.run(loaded, workload, session -> execute(session, loaded, source));
      return new TraceReport(traced.source(), traced.cloneName(), traced.serverVersion(), traced.statements(),
          Optional.of(load), traced.queries());
    } catch (SQLException e) {
      throw lost(loaded, e);
    } finally {
      loaded.destroy();
    }
  }

  private static void execute(TraceSession session, Clone clone, MigrationSource source) throws SQLException {
    if (source instanceof MigrationSource.Flyway f) {
      FlywayRunner.run(session, clone.dataSource(), f);
    } else if (source instanceof MigrationSource.Liquibase l) {
      LiquibaseRunner.run(session, clone.dataSource(), l);
    } else {
      try (Connection work = clone.dataSource().getConnection()) {
        if (source instanceof MigrationSource.SqlScripts s) {
          SqlRunner.scripts(session, work, s.scripts());
        } else if (source instanceof MigrationSource.PlanSteps p) {
          SqlRunner.steps(session, work, PlanValidation.sqlSteps(p.plan().steps()), p.lockTimeout());
        }
      }
    }
  }

  private static LockplaneException lost(Clone clone, SQLException e) {
    return new LockplaneException(ErrorCode.DATABASE_ERROR, "the trace on clone '" + clone.name()
        + "' lost its connection or could not read the catalog: " + e.getMessage()
        + " — check that the clone's server is running", e);
  }

  private static void requireClass(String name, String artifacts) {
    try {
      Class.forName(name, false, TraceRunner.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "tracing this migration needs " + artifacts
          + " on the class path (optional dependencies of lockplane-planner): add them to the build");
    }
  }
}
