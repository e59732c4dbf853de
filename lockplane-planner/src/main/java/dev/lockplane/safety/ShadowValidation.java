package dev.lockplane.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.safety.ShadowRunner;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Runs migration steps on a thin clone of production-like data and measures what each one really
 * does: wall time, the locks it held and for how long (sampled from {@code pg_locks} by a second
 * connection), the tables it rewrote, the rows it touched, the WAL it wrote, any error. Then it runs
 * the rollback steps, checks that the schema fingerprint is the source's again, and destroys the clone.
 *
 * <pre>{@code
 * ValidationReport report = ShadowValidation.on(clones)
 *     .steps(List.of(SqlStep.of("ALTER TABLE orders ALTER COLUMN amount TYPE bigint")))
 *     .rollback(List.of(SqlStep.of("ALTER TABLE orders ALTER COLUMN amount TYPE int")))
 *     .build()
 *     .run();
 * System.out.println(report.render(ReportFormat.MARKDOWN));
 * }</pre>
 *
 * <p>A built validation is immutable and may be run several times (each run uses a new clone).
 */
public final class ShadowValidation {
  private final CloneManager clones;
  private final Snapshot snapshot;
  private final List<SqlStep> steps;
  private final List<SqlStep> rollback;
  private final Duration sampleInterval;
  private final ValidationListener listener;

  private ShadowValidation(Builder b) {
    this.clones = b.clones;
    this.snapshot = b.snapshot;
    this.steps = b.steps;
    this.rollback = b.rollback == null ? List.of() : b.rollback;
    this.sampleInterval = b.sampleInterval == null ? Duration.ofMillis(2) : b.sampleInterval;
    this.listener = b.listener == null ? ValidationListener.NONE : b.listener;
  }

  /**
   * Starts a validation on the clones of a manager (database-level clones of a golden, or instance
   * clones of a production snapshot).
   *
   * @param clones the source of the shadow database
   * @return a builder
   */
  public static Builder on(CloneManager clones) {
    return new Builder(Objects.requireNonNull(clones, "clones"));
  }

  /**
   * Creates a clone, runs the steps and the rollback, measures, and destroys the clone (also on failure).
   *
   * @return the report
   * @throws LockplaneException when the clone cannot be created or reached (a failing step is not an
   *     exception: it is reported)
   */
  public ValidationReport run() {
    return ShadowRunner.run(clones, snapshot, steps, rollback, sampleInterval, listener);
  }

  /** Configures a {@link ShadowValidation}; each setting may be given once. */
  public static final class Builder {
    private final CloneManager clones;
    private Snapshot snapshot;
    private List<SqlStep> steps;
    private List<SqlStep> rollback;
    private Duration sampleInterval;
    private ValidationListener listener;

    private Builder(CloneManager clones) {
      this.clones = clones;
    }

    private static void once(Object current, String what) {
      if (current != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            what + " was already set to " + current + "; set it once.");
      }
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
     * The steps to validate, in order (required).
     *
     * @param steps one statement each
     * @return this builder
     */
    public Builder steps(List<SqlStep> steps) {
      once(this.steps, "steps");
      this.steps = List.copyOf(steps);
      return this;
    }

    /**
     * The rollback steps, run after the steps when they all succeed (default: none, and the
     * fingerprint check then fails unless the steps left the schema unchanged).
     *
     * @param rollback one statement each
     * @return this builder
     */
    public Builder rollback(List<SqlStep> rollback) {
      once(this.rollback, "rollback");
      this.rollback = List.copyOf(rollback);
      return this;
    }

    /**
     * How often the second connection samples {@code pg_locks} while a step runs (default 2 ms).
     *
     * @param interval between 0 (continuously) and one second
     * @return this builder
     */
    public Builder sampleInterval(Duration interval) {
      once(this.sampleInterval, "sampleInterval");
      if (interval.isNegative() || interval.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "sampleInterval must be between 0 and 1 s, not " + interval);
      }
      this.sampleInterval = interval;
      return this;
    }

    /**
     * Receives each step's result as it finishes.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ValidationListener listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the validation.
     *
     * @return the validation
     * @throws LockplaneException ({@link ErrorCode#INVALID_CONFIGURATION}) without steps
     */
    public ShadowValidation build() {
      if (steps == null || steps.isEmpty()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            "a shadow validation needs steps: call steps(List.of(SqlStep.of(\"ALTER TABLE …\")))");
      }
      return new ShadowValidation(this);
    }
  }
}
