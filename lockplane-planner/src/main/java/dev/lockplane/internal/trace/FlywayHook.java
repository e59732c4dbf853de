package dev.lockplane.internal.trace;

import dev.lockplane.trace.TracePolicy;
import dev.lockplane.trace.TraceReport;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * The Flyway callback's work: Flyway (Community included) fires an event before and after each
 * statement of a SQL migration on the migration's own connection, inside its transaction, and
 * after each migration before it commits; this observes between those events as the trace does and
 * fails a migration whose findings reach the policy's risk. Java migrations are not observed: Flyway
 * fires no statement events for them, nor for statements it batches ({@code batch=true}). The second
 * connection is taken when the first pending migration starts.
 */
public final class FlywayHook {
  private static final Set<Event> EVENTS = Set.of(Event.BEFORE_MIGRATE, Event.BEFORE_EACH_MIGRATE,
      Event.BEFORE_EACH_MIGRATE_STATEMENT, Event.AFTER_EACH_MIGRATE_STATEMENT, Event.AFTER_EACH_MIGRATE_STATEMENT_ERROR,
      Event.AFTER_EACH_MIGRATE, Event.AFTER_EACH_MIGRATE_ERROR, Event.AFTER_MIGRATE, Event.AFTER_MIGRATE_ERROR);
  private final TracePolicy policy;
  private final FlywayStatements statements = new FlywayStatements();
  private HookSession session;
  private TraceSession.Probe probe;
  private TraceReport last;

  /**
   * Creates the hook.
   *
   * @param policy when to fail and where to write the report
   */
  public FlywayHook(TracePolicy policy) {
    this.policy = policy;
  }

  /**
   * Whether the hook handles the event.
   *
   * @param event the event
   * @return true for the migrate events it observes
   */
  public static boolean supports(Event event) {
    return EVENTS.contains(event);
  }

  /**
   * Handles an event.
   *
   * @param event the event
   * @param context Flyway's context: the migration connection and the running migration
   */
  public synchronized void handle(Event event, Context context) {
    switch (event) {
      case BEFORE_MIGRATE -> {
        // a run that ended without Flyway's after-migrate event (such as a failed validation) ends here
        finish();
        last = null;
      }
      case BEFORE_EACH_MIGRATE -> {
        start(context);
        statements.start(context.getMigrationInfo());
        session.unitStarted(context.getConnection());
      }
      case BEFORE_EACH_MIGRATE_STATEMENT -> {
        if (session != null && statements.running()) {
          String sql = statement(context);
          ObservedJdbc.Located where = statements.next();
          probe = session.before(context.getConnection(), sql, where.location(), where.comments());
        }
      }
      case AFTER_EACH_MIGRATE_STATEMENT, AFTER_EACH_MIGRATE_STATEMENT_ERROR -> {
        if (probe != null) {
          TraceSession.Probe p = probe;
          probe = null;
          session.after(p, -1, event == Event.AFTER_EACH_MIGRATE_STATEMENT ? null : error(context));
        }
      }
      case AFTER_EACH_MIGRATE, AFTER_EACH_MIGRATE_ERROR -> {
        if (session != null) {
          String script = statements.script();
          statements.end();
          session.unitEnded("Flyway migration " + script, event == Event.AFTER_EACH_MIGRATE);
        }
      }
      case AFTER_MIGRATE, AFTER_MIGRATE_ERROR -> finish();
      default -> { }
    }
  }

  /** Returns the report of the last run, or of the running one so far; empty when nothing was pending. */
  public synchronized Optional<TraceReport> report() {
    return session != null ? Optional.of(session.report()) : Optional.ofNullable(last);
  }

  private void start(Context context) {
    if (session == null) {
      String locations = Arrays.stream(context.getConfiguration().getLocations()).map(Object::toString)
          .collect(Collectors.joining(", "));
      session = HookSession.open(policy, "Flyway " + locations, context.getConfiguration().getDataSource());
    }
  }

  private void finish() {
    if (session != null) {
      HookSession s = session;
      session = null;
      probe = null;
      statements.end();
      last = s.finish();
    }
  }

  /** The statement as the server receives it: Flyway appends the delimiter. */
  private static String statement(Context context) {
    String sql = context.getStatement() == null ? "" : context.getStatement().getSql().strip();
    return sql.endsWith(";") ? sql.substring(0, sql.length() - 1).strip() : sql;
  }

  private static SQLException error(Context context) {
    if (context.getStatement() != null && !context.getStatement().getErrors().isEmpty()) {
      org.flywaydb.core.api.callback.Error e = context.getStatement().getErrors().get(0);
      return new SQLException(e.getMessage(), e.getState(), e.getCode());
    }
    return new SQLException("the statement failed");
  }
}
