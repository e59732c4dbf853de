package dev.lockplane.internal.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.trace.MigrationSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Lets Flyway migrate the clone itself (it orders the versions, replaces placeholders, validates
 * checksums against the clone's history and picks transactions) and observes each statement it
 * executes inside a migration. Loaded only for Flyway sources: Flyway is an optional dependency.
 */
final class FlywayRunner implements Callback, ObservedJdbc.Locator {
  private final FlywayStatements statements = new FlywayStatements();

  private FlywayRunner() {}

  static void run(TraceSession session, DataSource clone, MigrationSource.Flyway source) {
    FlywayRunner runner = new FlywayRunner();
    try {
      Flyway flyway = Flyway.configure(FlywayRunner.class.getClassLoader())
          .dataSource(ObservedJdbc.dataSource(clone, session, runner))
          .locations(source.locations().toArray(String[]::new))
          .placeholders(source.placeholders())
          .callbacks(runner)
          .cleanDisabled(true)
          // java.util.logging, not the console: Flyway's progress lines would mix into the report on stdout.
          .loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator")
          .load();
      flyway.migrate();
    } catch (FlywayException e) {
      if (!session.failed()) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, "Flyway refused to migrate a clone of the target from "
            + String.join(", ", source.locations()) + ": " + e.getMessage().strip()
            + " — fix the migrations (or the target's history) and trace again", e);
      }
    }
  }

  @Override
  public boolean supports(Event event, Context context) {
    return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE
        || event == Event.AFTER_EACH_MIGRATE_ERROR;
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    if (event == Event.BEFORE_EACH_MIGRATE) {
      statements.start(context.getMigrationInfo());
    } else {
      statements.end();
    }
  }

  @Override
  public String getCallbackName() {
    return "lockplane-trace";
  }

  @Override
  public ObservedJdbc.Located next(String sql) {
    return statements.next();
  }
}
