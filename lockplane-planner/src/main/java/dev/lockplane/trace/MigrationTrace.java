package dev.lockplane.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.trace.TraceRunner;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a migration on a thin clone, statement by statement, and reports what each statement did: the
 * locks it took (mode, relation, how long held, what they block), the tables it rewrote, the rows it
 * touched, the WAL it wrote, how long it ran, and findings with stable rule ids ({@link TraceRule}),
 * each with a safer alternative. The clone is destroyed afterwards, also when the migration fails; a
 * failing statement ends the trace and is reported with its error and location, not thrown.
 *
 * <pre>{@code
 * try (CloneManager clones = CloneManagers.databases(url, user, password)
 *     .golden(Golden.fromDatabase("shop")).start()) {
 *   TraceReport report = MigrationTrace.builder()
 *       .source(MigrationSource.sql(Path.of("db/migrate")))
 *       .on(clones)
 *       .ignore(List.of("drop-column"))
 *       .build()
 *       .run();
 *   System.out.print(report.render(ReportFormat.TEXT));
 *   // with .queries(QueryCheck.file(Path.of("queries.sql"))): plans and timings before and after
 * }
 * }</pre>
 *
 * <p>A statement's findings can be silenced with a comment before or inside it:
 * {@code -- lockplane:ignore create-index-blocking, lock-timeout-missing}.
 *
 * <p>A built trace is immutable; each {@link #run()} uses a new clone.
 */
public final class MigrationTrace {
  private final MigrationSource source;
  private final CloneManager clones;
  private final Snapshot snapshot;
  private final Set<String> ignored;
  private final Duration slowStatement;
  private final Duration sampleInterval;
  private final Consumer<TracedStatement> listener;
  private final Workload workload;
  private final QueryCheck queries;

  private MigrationTrace(Builder b) {
    this.source = b.source;
    this.clones = b.clones;
    this.snapshot = b.snapshot;
    this.ignored = b.ignored == null ? Set.of() : Set.copyOf(b.ignored);
    this.slowStatement = b.slowStatement == null ? Duration.ofSeconds(1) : b.slowStatement;
    this.sampleInterval = b.sampleInterval == null ? Duration.ofMillis(1) : b.sampleInterval;
    this.listener = b.listener == null ? s -> { } : b.listener;
    this.workload = b.workload;
    this.queries = b.queries;
  }

  /**
   * Starts configuring a trace.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Clones, runs the migration with observation, and destroys the clone.
   *
   * @return the report; a failing statement is its last entry
   * @throws LockplaneException when the clone cannot be made or reached ({@link ErrorCode#DATABASE_ERROR}),
   *     or the migration tool refuses the migration before running it, such as a Flyway checksum mismatch
   *     or a Liquibase changelog that does not parse ({@link ErrorCode#INVALID_INPUT}), or the tool is
   *     not on the class path ({@link ErrorCode#UNSUPPORTED})
   */
  public TraceReport run() {
    return TraceRunner.run(clones, snapshot, source, ignored, slowStatement, sampleInterval, listener, workload, queries);
  }

  /** Configures a {@link MigrationTrace}; each setting may be given once. */
  public static final class Builder {
    private MigrationSource source;
    private CloneManager clones;
    private Snapshot snapshot;
    private Set<String> ignored;
    private Duration slowStatement;
    private Duration sampleInterval;
    private Consumer<TracedStatement> listener;
    private Workload workload;
    private QueryCheck queries;

    private Builder() {}

    private static void once(Object current, String what) {
      if (current != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            what + " was already set to " + current + "; set it once.");
      }
    }

    /**
     * The migration to trace (required).
     *
     * @param source SQL files, Flyway locations, a Liquibase changelog or a plan
     * @return this builder
     */
    public Builder source(MigrationSource source) {
      once(this.source, "source");
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Where the clone comes from (required): a manager whose golden holds the target's schema and data.
     *
     * @param clones the clone manager
     * @return this builder
     */
    public Builder on(CloneManager clones) {
      once(this.clones, "clones");
      this.clones = Objects.requireNonNull(clones, "clones");
      return this;
    }

    /**
     * The snapshot to clone (default: the manager's golden).
     *
     * @param snapshot the snapshot
     * @return this builder
     */
    public Builder snapshot(Snapshot snapshot) {
      once(this.snapshot, "snapshot");
      this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
      return this;
    }

    /**
     * Rules whose findings are reported as ignored everywhere in the migration.
     *
     * @param ruleIds identifiers of {@link TraceRule}s
     * @return this builder
     * @throws LockplaneException ({@link ErrorCode#INVALID_CONFIGURATION}) for an unknown identifier
     */
    public Builder ignore(Collection<String> ruleIds) {
      once(this.ignored, "ignore");
      this.ignored = TraceSettings.ruleIds(ruleIds);
      return this;
    }

    /**
     * How long a statement must run to count as slow for {@link TraceRule#LOCK_HELD_ACROSS_SLOW_STATEMENT}
     * (default 1 s).
     *
     * @param threshold a positive duration
     * @return this builder
     */
    public Builder slowStatement(Duration threshold) {
      once(this.slowStatement, "slowStatement");
      this.slowStatement = TraceSettings.slowStatement(threshold);
      return this;
    }

    /**
     * How often a second connection samples {@code pg_locks} while a statement runs (default 1 ms).
     *
     * @param interval between 0 (continuously) and one second
     * @return this builder
     */
    public Builder sampleInterval(Duration interval) {
      once(this.sampleInterval, "sampleInterval");
      this.sampleInterval = TraceSettings.sampleInterval(interval);
      return this;
    }

    /**
     * Receives each statement as soon as its transaction ends.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(Consumer<TracedStatement> listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Runs a workload beside the migration: after the traced run, the migration runs once more on a
     * clone of its own, timed only, with the workload running before (the baseline) and during it,
     * and the report says per statement how many queries waited on its locks and for how long
     * ({@link TraceReport#load()}). Only against a clone on this machine.
     *
     * @param workload the workload, such as {@link Workload#mix(java.nio.file.Path)}
     * @return this builder
     */
    public Builder load(Workload workload) {
      once(this.workload, "load");
      this.workload = Objects.requireNonNull(workload, "workload");
      return this;
    }

    /**
     * Compares queries' plans and timings before and after the migration on the traced clone
     * ({@link TraceReport#queries()}): plans that changed, queries that got slower beyond the check's
     * thresholds, and queries that fail after it.
     *
     * @param check the queries, such as {@link QueryCheck#file(java.nio.file.Path)}
     * @return this builder
     */
    public Builder queries(QueryCheck check) {
      once(this.queries, "queries");
      this.queries = Objects.requireNonNull(check, "check");
      return this;
    }

    /**
     * Builds the trace.
     *
     * @return the trace
     * @throws LockplaneException ({@link ErrorCode#INVALID_CONFIGURATION}) without a source or clones
     */
    public MigrationTrace build() {
      if (source == null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "a migration trace needs a source: call source(MigrationSource.sql(Path.of(\"db/migrate\")))");
      }
      if (clones == null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "a migration trace needs clones of the target: call on(CloneManagers.databases(...).golden(...).start())");
      }
      return new MigrationTrace(this);
    }
  }
}
