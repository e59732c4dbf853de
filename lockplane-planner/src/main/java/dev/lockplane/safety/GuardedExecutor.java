package dev.lockplane.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs migration steps with a {@code lock_timeout} and a {@code statement_timeout} on every step, and
 * retries a step a bounded number of times when it could not get its lock in time — so a step that
 * needs ACCESS EXCLUSIVE gives up quickly instead of queueing behind a long query while every other
 * session queues behind it.
 *
 * <pre>{@code
 * GuardedExecutor guarded = GuardedExecutor.builder()
 *     .lockTimeout(Duration.ofSeconds(2)).statementTimeout(Duration.ofMinutes(10))
 *     .maxAttempts(5).retryDelay(Duration.ofSeconds(1))
 *     .build();
 * guarded.run(connection, SafeRewrites.addCheck("orders", "orders_amount_positive", "amount > 0"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; the connection passed to {@code run} is used by one thread at a time.
 */
public final class GuardedExecutor {
  /** PostgreSQL's SQLSTATE for "could not obtain lock" (lock_timeout, NOWAIT). */
  public static final String LOCK_NOT_AVAILABLE = "55P03";

  /** Receives each failed attempt before the executor waits and retries. */
  @FunctionalInterface
  public interface RetryListener {
    /**
     * Called after an attempt ran out of lock_timeout.
     *
     * @param step the step
     * @param attempt the attempt that failed, from 1
     * @param error the server's message
     */
    void lockTimedOut(SqlStep step, int attempt, String error);
  }

  private final Duration lockTimeout;
  private final Duration statementTimeout;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final RetryListener listener;

  private GuardedExecutor(Builder b) {
    this.lockTimeout = b.lockTimeout == null ? Duration.ofSeconds(2) : b.lockTimeout;
    this.statementTimeout = b.statementTimeout == null ? Duration.ZERO : b.statementTimeout;
    this.maxAttempts = b.maxAttempts == null ? 5 : b.maxAttempts;
    this.retryDelay = b.retryDelay == null ? Duration.ofSeconds(1) : b.retryDelay;
    this.listener = b.listener == null ? (s, a, e) -> { } : b.listener;
  }

  /** Returns a builder (defaults: lock_timeout 2 s, no statement_timeout, 5 attempts, 1 s between them). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs steps in order, each guarded.
   *
   * @param connection the target; left in autocommit with its timeouts reset
   * @param steps the steps
   * @return one outcome per step
   * @throws StepFailedException at the first step that fails for good (the steps before it stay applied)
   */
  public List<StepOutcome> run(Connection connection, List<SqlStep> steps) {
    List<StepOutcome> out = new ArrayList<>();
    for (SqlStep s : steps) {
      out.add(run(connection, s));
    }
    return out;
  }

  /**
   * Runs one step, guarded: in its own transaction when it is transactional ({@code SET LOCAL} timeouts),
   * else in autocommit with session timeouts that are reset afterwards.
   *
   * @param connection the target
   * @param step the step
   * @return the outcome
   * @throws StepFailedException when it fails for a reason other than a lock timeout, or when every
   *     attempt timed out ({@link ErrorCode#IN_USE})
   */
  public StepOutcome run(Connection connection, SqlStep step) {
    Objects.requireNonNull(connection, "connection");
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        attemptOnce(connection, step);
        return new StepOutcome(step, attempt, Duration.ofNanos(System.nanoTime() - start));
      } catch (SQLException e) {
        if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
          throw new StepFailedException(ErrorCode.DATABASE_ERROR, step.sql(), e.getSQLState(), attempt,
              "step failed (" + e.getSQLState() + "): " + e.getMessage() + " — statement: " + step.sql(), e);
        }
        listener.lockTimedOut(step, attempt, e.getMessage());
        if (attempt >= maxAttempts) {
          throw new StepFailedException(ErrorCode.IN_USE, step.sql(), e.getSQLState(), attempt,
              "could not get the lock for the step within lock_timeout " + lockTimeout.toMillis() + " ms in "
                  + attempt + " attempts: another session holds a conflicting lock (see pg_locks and"
                  + " pg_stat_activity); retry at a quieter time or raise maxAttempts — statement: " + step.sql(), e);
        }
        sleep(retryDelay.multipliedBy(attempt));
      }
    }
  }

  private void attemptOnce(Connection c, SqlStep step) throws SQLException {
    if (step.transactional()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis());
        s.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
        s.execute(step.sql());
        c.commit();
      } catch (SQLException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } else {
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("SET lock_timeout = " + lockTimeout.toMillis());
        s.execute("SET statement_timeout = " + statementTimeout.toMillis());
        try {
          s.execute(step.sql());
        } finally {
          s.execute("RESET lock_timeout");
          s.execute("RESET statement_timeout");
        }
      }
    }
  }

  private static void rollbackQuietly(Connection c, SQLException cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "interrupted while waiting to retry a step", e);
    }
  }

  /** Configures a {@link GuardedExecutor}; each setting may be given once. */
  public static final class Builder {
    private Duration lockTimeout;
    private Duration statementTimeout;
    private Integer maxAttempts;
    private Duration retryDelay;
    private RetryListener listener;

    private Builder() {}

    private static void once(Object current, String what) {
      if (current != null) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
            what + " was already set to " + current + "; set it once.");
      }
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, what + " must be positive, not " + d);
      }
      return d;
    }

    /**
     * How long a step may wait for a lock before the attempt is abandoned (default 2 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder lockTimeout(Duration timeout) {
      once(lockTimeout, "lockTimeout");
      lockTimeout = positive(timeout, "lockTimeout");
      return this;
    }

    /**
     * How long a step may run (default: unlimited).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder statementTimeout(Duration timeout) {
      once(statementTimeout, "statementTimeout");
      statementTimeout = positive(timeout, "statementTimeout");
      return this;
    }

    /**
     * How many times a step is tried when it runs out of lock_timeout (default 5).
     *
     * @param attempts 1 or more
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      once(maxAttempts, "maxAttempts");
      if (attempts < 1) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "maxAttempts must be at least 1, not " + attempts);
      }
      maxAttempts = attempts;
      return this;
    }

    /**
     * The wait after the first failed attempt; the n-th wait is n times this (default 1 s).
     *
     * @param delay a positive duration
     * @return this builder
     */
    public Builder retryDelay(Duration delay) {
      once(retryDelay, "retryDelay");
      retryDelay = positive(delay, "retryDelay");
      return this;
    }

    /**
     * Receives each attempt that timed out.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(RetryListener listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the executor. */
    public GuardedExecutor build() {
      return new GuardedExecutor(this);
    }
  }
}
