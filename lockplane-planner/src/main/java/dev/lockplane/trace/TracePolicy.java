package dev.lockplane.trace;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.safety.ReportFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a migration hook — the Flyway callback ({@code dev.lockplane.trace.flyway.LockplaneFlywayCallback})
 * or the Liquibase listener ({@code dev.lockplane.trace.liquibase.LockplaneLiquibaseListener}) —
 * observes while the tool migrates a database in a test or CI pipeline, and when it stops the
 * migration: a finding whose risk is at or above {@link #failAt()}, in the order of {@link RiskClass},
 * fails the migration before it commits.
 *
 * <pre>{@code
 * TracePolicy policy = TracePolicy.builder()
 *     .failAt(RiskClass.DANGEROUS)
 *     .ignore(List.of("drop-column"))
 *     .reportTo(Path.of("target/lockplane-trace.md"), ReportFormat.MARKDOWN)
 *     .build();
 * }</pre>
 *
 * <p>A statement's findings can be silenced with a comment before or inside it:
 * {@code -- lockplane:ignore create-index-blocking}. Immutable.
 */
public final class TracePolicy {
  private final Optional<RiskClass> failAt;
  private final Set<String> ignored;
  private final Duration slowStatement;
  private final Duration sampleInterval;
  private final Optional<Path> reportFile;
  private final ReportFormat reportFormat;
  private final Consumer<TracedStatement> listener;

  private TracePolicy(Builder b) {
    this.failAt = b.reportOnly ? Optional.empty() : Optional.of(b.failAt == null ? RiskClass.DANGEROUS : b.failAt);
    this.ignored = b.ignored == null ? Set.of() : Set.copyOf(b.ignored);
    this.slowStatement = b.slowStatement == null ? Duration.ofSeconds(1) : b.slowStatement;
    this.sampleInterval = b.sampleInterval == null ? Duration.ofMillis(1) : b.sampleInterval;
    this.reportFile = Optional.ofNullable(b.reportFile);
    this.reportFormat = b.reportFormat == null ? ReportFormat.MARKDOWN : b.reportFormat;
    this.listener = b.listener == null ? s -> { } : b.listener;
  }

  /**
   * Starts configuring a policy.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the default policy: fail at {@link RiskClass#DANGEROUS}, nothing ignored, no report file.
   *
   * @return the policy
   */
  public static TracePolicy defaults() {
    return new Builder().build();
  }

  /** Returns the lowest risk that fails a migration; empty when findings are only reported. */
  public Optional<RiskClass> failAt() {
    return failAt;
  }

  /** Returns the rules whose findings are ignored everywhere. */
  public Set<String> ignored() {
    return ignored;
  }

  /** Returns how long a statement must run to count as slow. */
  public Duration slowStatement() {
    return slowStatement;
  }

  /** Returns how often {@code pg_locks} is sampled while a statement runs. */
  public Duration sampleInterval() {
    return sampleInterval;
  }

  /** Returns the file the report is written to when a run ends, if any. */
  public Optional<Path> reportFile() {
    return reportFile;
  }

  /** Returns the format of the report file. */
  public ReportFormat reportFormat() {
    return reportFormat;
  }

  /** Returns the listener told of each statement when its transaction ends. */
  public Consumer<TracedStatement> listener() {
    return listener;
  }

  /**
   * Returns whether a finding of this risk fails the migration.
   *
   * @param risk the finding's risk
   * @return true when it is at or above {@link #failAt()}
   */
  public boolean fails(RiskClass risk) {
    return failAt.isPresent() && risk.compareTo(failAt.get()) >= 0;
  }

  /** Configures a {@link TracePolicy}; each setting may be given once. */
  public static final class Builder {
    private RiskClass failAt;
    private boolean reportOnly;
    private Set<String> ignored;
    private Duration slowStatement;
    private Duration sampleInterval;
    private Path reportFile;
    private ReportFormat reportFormat;
    private Consumer<TracedStatement> listener;

    private Builder() {}

    private static void once(Object current, String what) {
      if (current != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            what + " was already set to " + current + "; set it once.");
      }
    }

    /**
     * The lowest risk that fails the migration (default {@link RiskClass#DANGEROUS}); risks are ordered
     * as {@link RiskClass} declares them, so {@code REVIEW} fails on every finding.
     *
     * @param risk the threshold
     * @return this builder
     */
    public Builder failAt(RiskClass risk) {
      once(this.failAt, "failAt");
      if (reportOnly) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "failAt conflicts with reportOnly(); choose one.");
      }
      this.failAt = Objects.requireNonNull(risk, "risk");
      return this;
    }

    /**
     * Never fails a migration: findings are only reported.
     *
     * @return this builder
     */
    public Builder reportOnly() {
      if (failAt != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "reportOnly() conflicts with failAt, already set to " + failAt + "; choose one.");
      }
      this.reportOnly = true;
      return this;
    }

    /**
     * Rules whose findings are reported as ignored, and never fail a migration.
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
     * Writes the report to a file when a run ends, also when the migration failed (for CI artifacts
     * and pull-request comments). Parent directories are created.
     *
     * @param file the file, replaced on each run
     * @param format its format
     * @return this builder
     */
    public Builder reportTo(Path file, ReportFormat format) {
      once(this.reportFile, "reportTo");
      this.reportFile = Objects.requireNonNull(file, "file");
      this.reportFormat = Objects.requireNonNull(format, "format");
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
     * Builds the policy.
     *
     * @return the policy
     */
    public TracePolicy build() {
      return new TracePolicy(this);
    }
  }
}
