package dev.lockplane.migrate;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.migrate.BatchedBackfill;
import dev.lockplane.internal.migrate.StateTable;
import dev.lockplane.safety.GuardedExecutor;
import dev.lockplane.safety.StepFailedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs the phases of an {@link ExpandContractPlan} against a database and records each phase in
 * {@code lockplane.migration_state}. Phases run in order — expand, migrate, contract — and each refuses
 * to start before the one ahead of it completed; {@link #rollback} undoes the latest completed phase.
 *
 * <pre>{@code
 * ExpandContractRunner runner = ExpandContractRunner.builder()
 *     .batchSize(5_000)
 *     .listener(p -> log.info("{} rows, {} batches", p.rowsScanned(), p.batches()))
 *     .build();
 * runner.expand(connection, plan);
 * runner.migrate(connection, plan);   // interrupted? call it again: it resumes after the last batch
 * System.out.println(runner.status(connection, plan).describe());
 * runner.contract(connection, plan);
 * }</pre>
 *
 * <p>Immutable and thread-safe; each call uses the connection it is given from one thread.
 */
public final class ExpandContractRunner {
  private final GuardedExecutor executor;
  private final BatchedBackfill backfill;

  private ExpandContractRunner(Builder b) {
    this.executor = b.executor == null ? GuardedExecutor.builder().build() : b.executor;
    this.backfill = new BatchedBackfill(b.batchSize == null ? 1_000 : b.batchSize,
        b.batchLockTimeout == null ? Duration.ofSeconds(2) : b.batchLockTimeout,
        b.batchStatementTimeout == null ? Duration.ofMinutes(1) : b.batchStatementTimeout,
        b.batchAttempts == null ? 5 : b.batchAttempts, Duration.ofMillis(500),
        b.listener == null ? BackfillListener.NONE : b.listener);
  }

  /** Returns a builder (defaults: 1,000 rows per batch, lock_timeout 2 s, statement_timeout 1 min, 5 attempts). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the expand phase. After it, old and new application versions both work.
   *
   * @param c the database
   * @param plan the plan
   * @throws MigrationException when a step fails (the phase is recorded as failed; its steps are repeatable)
   */
  public void expand(Connection c, ExpandContractPlan plan) {
    runSteps(c, plan, Phase.EXPAND);
  }

  /**
   * Runs the migrate phase: its steps, then its backfill in batches from the recorded position. Calling it
   * again after an interruption resumes after the last committed batch; calling it after it completed does
   * nothing.
   *
   * @param c the database
   * @param plan the plan
   * @return the backfill's final progress (zero counts when the change needs no backfill)
   * @throws MigrationException when a batch fails or the thread is interrupted (committed batches stay)
   */
  public BackfillProgress migrate(Connection c, ExpandContractPlan plan) {
    PhasePlan p = plan.migrate();
    String table = p.backfill().map(Backfill::table).orElse(plan.change().table());
    PhaseState before = status(c, plan).phase(Phase.MIGRATE);
    if (before.status() == PhaseStatus.COMPLETED) {
      return recorded(plan.id(), table, before);
    }
    runSteps(c, plan, Phase.MIGRATE, false);
    if (p.backfill().isEmpty()) {
      record(c, plan.id(), Phase.MIGRATE, () -> StateTable.complete(c, plan.id(), Phase.MIGRATE));
      return recorded(plan.id(), table, PhaseState.pending(Phase.MIGRATE));
    }
    return runBackfill(c, plan.id(), p.backfill().get());
  }

  /**
   * Runs a backfill on its own, outside an expand / contract plan, recorded as the migrate phase of
   * {@code migrationId} (the only phase recorded for it): resumable the same way, and a no-op once completed.
   * It covers the rows up to the largest key the table holds when it starts (a resumed run: when it
   * resumes); rows inserted after that are the writer's to fill, as the expand trigger does in a plan.
   *
   * <pre>{@code
   * runner.backfill(connection, "orders-currency", Backfill.of("orders", "id", "currency = 'EUR'")
   *     .where("currency IS NULL"));
   * }</pre>
   *
   * @param c the database
   * @param migrationId the id under which the position is recorded
   * @param fill the backfill
   * @return the final progress
   * @throws MigrationException when a batch fails or the thread is interrupted (committed batches stay)
   */
  public BackfillProgress backfill(Connection c, String migrationId, Backfill fill) {
    Objects.requireNonNull(c, "connection");
    Objects.requireNonNull(migrationId, "migrationId");
    Objects.requireNonNull(fill, "fill");
    String summary = "backfill of " + fill.table() + " (" + fill.assignments() + ")";
    PhaseState before;
    try {
      c.setAutoCommit(true);
      StateTable.ensure(c);
      before = StateTable.read(c, migrationId, summary).phase(Phase.MIGRATE);
    } catch (SQLException e) {
      throw new MigrationException(ErrorCode.DATABASE_ERROR, migrationId, Phase.MIGRATE, "could not prepare "
          + StateTable.TABLE + ": " + e.getMessage() + "; the role needs CREATE on the database", e);
    }
    if (before.status() == PhaseStatus.COMPLETED) {
      return recorded(migrationId, fill.table(), before);
    }
    record(c, migrationId, Phase.MIGRATE, () -> StateTable.start(c, migrationId, Phase.MIGRATE, summary));
    return runBackfill(c, migrationId, fill);
  }

  private static BackfillProgress recorded(String id, String table, PhaseState s) {
    return new BackfillProgress(id, table, s.rowsUpdated(), s.rowsScanned(), s.batches(), s.lastKey(), Duration.ZERO,
        s.estimatedRows());
  }

  private BackfillProgress runBackfill(Connection c, String id, Backfill fill) {
    BackfillProgress done;
    try {
      done = backfill.run(c, id, fill);
    } catch (SQLException e) {
      String message = "the backfill of " + fill.table() + " for migration " + id + " failed (" + e.getSQLState()
          + "): " + e.getMessage() + "; committed batches are recorded: fix the cause and run it again to resume";
      recordFailure(c, id, Phase.MIGRATE, message);
      throw new MigrationException(ErrorCode.DATABASE_ERROR, id, Phase.MIGRATE, message, e);
    } catch (MigrationException e) {
      recordFailure(c, id, Phase.MIGRATE, e.getMessage());
      throw e;
    }
    record(c, id, Phase.MIGRATE, () -> StateTable.complete(c, id, Phase.MIGRATE));
    return done;
  }

  /**
   * Runs the contract phase, which removes the old shape: run it only once no old application version runs.
   *
   * @param c the database
   * @param plan the plan
   * @throws MigrationException when a step fails or the migrate phase has not completed
   */
  public void contract(Connection c, ExpandContractPlan plan) {
    runSteps(c, plan, Phase.CONTRACT);
  }

  /**
   * Runs a phase's rollback steps, returning the schema to its shape before that phase. Only the latest
   * completed (or failed) phase may be rolled back: roll back contract, then migrate, then expand.
   *
   * @param c the database
   * @param plan the plan
   * @param phase the phase to undo
   * @throws MigrationException when a step fails or a later phase has not been rolled back
   */
  public void rollback(Connection c, ExpandContractPlan plan, Phase phase) {
    MigrationStatus s = status(c, plan);
    for (Phase later : Phase.values()) {
      if (later.ordinal() > phase.ordinal() && isApplied(s.phase(later).status())) {
        throw new MigrationException(ErrorCode.INVALID_CONFIGURATION, plan.id(), phase, "cannot roll back "
            + phase.label() + " of " + plan.summary() + ": " + later.label() + " is " + s.phase(later).status().label()
            + "; roll back " + later.label() + " first", null);
      }
    }
    PhaseStatus own = s.phase(phase).status();
    if (!isApplied(own)) {
      throw new MigrationException(ErrorCode.INVALID_CONFIGURATION, plan.id(), phase, "cannot roll back "
          + phase.label() + " of " + plan.summary() + ": it is " + own.label() + ", nothing to undo", null);
    }
    try {
      executor.run(c, plan.phase(phase).rollback());
    } catch (StepFailedException e) {
      throw new MigrationException(e.code(), plan.id(), phase, "the rollback of " + phase.label() + " of "
          + plan.summary() + " failed: " + e.getMessage() + "; the steps before it stay applied", e);
    }
    record(c, plan.id(), phase, () -> StateTable.rolledBack(c, plan.id(), phase));
  }

  /**
   * Reads the recorded state of a plan's migration.
   *
   * @param c the database
   * @param plan the plan
   * @return the status; phases without a record are pending
   */
  public MigrationStatus status(Connection c, ExpandContractPlan plan) {
    try {
      return StateTable.read(c, plan.id(), plan.summary());
    } catch (SQLException e) {
      throw new MigrationException(ErrorCode.DATABASE_ERROR, plan.id(), Phase.EXPAND, "could not read "
          + StateTable.TABLE + " for migration " + plan.id() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the recorded state of any migration by id (for tools listing migrations they did not plan).
   *
   * @param c the database
   * @param migrationId the id
   * @return the status; phases without a record are pending
   */
  public static MigrationStatus status(Connection c, String migrationId) {
    try {
      return StateTable.read(c, migrationId, migrationId);
    } catch (SQLException e) {
      throw new MigrationException(ErrorCode.DATABASE_ERROR, migrationId, Phase.EXPAND, "could not read "
          + StateTable.TABLE + " for migration " + migrationId + ": " + e.getMessage(), e);
    }
  }

  private static boolean isApplied(PhaseStatus s) {
    return s == PhaseStatus.COMPLETED || s == PhaseStatus.RUNNING || s == PhaseStatus.FAILED;
  }

  private void runSteps(Connection c, ExpandContractPlan plan, Phase phase) {
    runSteps(c, plan, phase, true);
  }

  private void runSteps(Connection c, ExpandContractPlan plan, Phase phase, boolean complete) {
    Objects.requireNonNull(c, "connection");
    Objects.requireNonNull(plan, "plan");
    MigrationStatus s;
    try {
      c.setAutoCommit(true);
      StateTable.ensure(c);
      s = StateTable.read(c, plan.id(), plan.summary());
    } catch (SQLException e) {
      throw new MigrationException(ErrorCode.DATABASE_ERROR, plan.id(), phase, "could not prepare "
          + StateTable.TABLE + ": " + e.getMessage() + "; the role needs CREATE on the database", e);
    }
    if (phase != Phase.EXPAND) {
      Phase before = Phase.values()[phase.ordinal() - 1];
      if (s.phase(before).status() != PhaseStatus.COMPLETED) {
        throw new MigrationException(ErrorCode.INVALID_CONFIGURATION, plan.id(), phase, "cannot run "
            + phase.label() + " of " + plan.summary() + ": " + before.label() + " is "
            + s.phase(before).status().label() + "; run " + before.label() + " first", null);
      }
    }
    if (complete && s.phase(phase).status() == PhaseStatus.COMPLETED) {
      return;
    }
    record(c, plan.id(), phase, () -> StateTable.start(c, plan.id(), phase, plan.summary()));
    try {
      executor.run(c, plan.phase(phase).steps());
    } catch (StepFailedException e) {
      recordFailure(c, plan.id(), phase, e.getMessage());
      throw new MigrationException(e.code(), plan.id(), phase, phase.label() + " of " + plan.summary()
          + " failed: " + e.getMessage() + "; the steps before it stay applied, run the phase again or roll it back",
          e);
    }
    if (complete) {
      record(c, plan.id(), phase, () -> StateTable.complete(c, plan.id(), phase));
    }
  }

  @FunctionalInterface
  private interface Write {
    void run() throws SQLException;
  }

  private static void record(Connection c, String id, Phase phase, Write w) {
    try {
      w.run();
    } catch (SQLException e) {
      throw new MigrationException(ErrorCode.DATABASE_ERROR, id, phase, "could not record "
          + phase.label() + " of migration " + id + " in " + StateTable.TABLE + ": " + e.getMessage(), e);
    }
  }

  private static void recordFailure(Connection c, String id, Phase phase, String message) {
    try {
      StateTable.fail(c, id, phase, message);
    } catch (SQLException ignored) {
      // The connection may be the one that broke; the phase stays "running", which resumes the same way.
    }
  }

  /** Configures an {@link ExpandContractRunner}; each setting may be given once. */
  public static final class Builder {
    private GuardedExecutor executor;
    private Integer batchSize;
    private Duration batchLockTimeout;
    private Duration batchStatementTimeout;
    private Integer batchAttempts;
    private BackfillListener listener;

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
     * The executor for the phases' DDL steps (default: {@code GuardedExecutor.builder().build()}).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(GuardedExecutor executor) {
      once(this.executor, "executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Rows per backfill batch (default 1,000).
     *
     * @param rows 1 or more
     * @return this builder
     */
    public Builder batchSize(int rows) {
      once(batchSize, "batchSize");
      if (rows < 1) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "batchSize must be at least 1, not " + rows);
      }
      batchSize = rows;
      return this;
    }

    /**
     * lock_timeout of each backfill batch (default 2 s).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder batchLockTimeout(Duration timeout) {
      once(batchLockTimeout, "batchLockTimeout");
      batchLockTimeout = positive(timeout, "batchLockTimeout");
      return this;
    }

    /**
     * statement_timeout of each backfill batch (default 1 min).
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder batchStatementTimeout(Duration timeout) {
      once(batchStatementTimeout, "batchStatementTimeout");
      batchStatementTimeout = positive(timeout, "batchStatementTimeout");
      return this;
    }

    /**
     * Attempts per batch when it runs out of lock_timeout (default 5).
     *
     * @param attempts 1 or more
     * @return this builder
     */
    public Builder batchAttempts(int attempts) {
      once(batchAttempts, "batchAttempts");
      if (attempts < 1) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "batchAttempts must be at least 1, not " + attempts);
      }
      batchAttempts = attempts;
      return this;
    }

    /**
     * Receives backfill progress after each committed batch.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(BackfillListener listener) {
      once(this.listener, "listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Builds the runner. */
    public ExpandContractRunner build() {
      return new ExpandContractRunner(this);
    }
  }
}
