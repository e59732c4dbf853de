package dev.lockplane.trace.flyway;

import dev.lockplane.internal.trace.FlywayHook;
import dev.lockplane.trace.TracePolicy;
import dev.lockplane.trace.TraceReport;
import java.util.Objects;
import java.util.Optional;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * A Flyway callback that traces each SQL migration as Flyway runs it — the locks each statement
 * takes (sampled from a second connection of Flyway's data source), the tables it rewrites, the WAL
 * it writes, and the findings of the trace's rules ({@link dev.lockplane.trace.TraceRule}) — and
 * fails a migration before it commits when a finding reaches the policy's risk. Each migration is
 * judged against the schema the earlier ones left, so a run from an empty database in a test or CI
 * pipeline checks every migration as if it were the only new one.
 *
 * <pre>{@code
 * LockplaneFlywayCallback lockplane = LockplaneFlywayCallback.of(TracePolicy.builder()
 *     .failAt(RiskClass.DANGEROUS)
 *     .reportTo(Path.of("target/lockplane-trace.md"), ReportFormat.MARKDOWN)
 *     .build());
 * Flyway.configure().dataSource(dataSource).callbacks(lockplane).load().migrate();
 * }</pre>
 *
 * <p>With Spring Boot, declare it as a bean: Boot's Flyway auto-configuration adds every
 * {@link Callback} bean to its Flyway. A migration that Flyway runs in a transaction is rolled back
 * when it fails; one that runs outside a transaction (such as {@code CREATE INDEX CONCURRENTLY})
 * has already run when its findings are judged, and Flyway records it as failed. Rows touched are
 * not known to a callback and are reported as -1. Java migrations, and statements Flyway batches
 * ({@code batch=true}), are not observed.
 *
 * <p>One instance watches one migration run at a time.
 */
public final class LockplaneFlywayCallback implements Callback {
  private final FlywayHook hook;

  private LockplaneFlywayCallback(TracePolicy policy) {
    this.hook = new FlywayHook(policy);
  }

  /**
   * Creates a callback.
   *
   * @param policy when to fail and where to write the report
   * @return the callback
   */
  public static LockplaneFlywayCallback of(TracePolicy policy) {
    return new LockplaneFlywayCallback(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Returns what the last migration run (or the running one, so far) did.
   *
   * @return the report, empty before the first run and after a run with no pending migration
   */
  public Optional<TraceReport> report() {
    return hook.report();
  }

  @Override
  public boolean supports(Event event, Context context) {
    return FlywayHook.supports(event);
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    hook.handle(event, context);
  }

  @Override
  public String getCallbackName() {
    return "lockplane-trace";
  }
}
