package dev.lockplane.migrate;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The recorded state of one phase of a migration (a row of {@code lockplane.migration_state}).
 *
 * @param phase the phase
 * @param status where it stands
 * @param rowsUpdated rows the backfill changed so far (0 for phases without one)
 * @param rowsScanned rows whose keys the backfill's committed batches covered
 * @param batches committed backfill batches
 * @param estimatedRows the row estimate taken when the backfill started, or -1
 * @param lastKey the last key the backfill covered, as text
 * @param startedAt when the phase first started
 * @param completedAt when it completed
 * @param error the last error message, if it failed
 */
public record PhaseState(Phase phase, PhaseStatus status, long rowsUpdated, long rowsScanned, long batches,
    long estimatedRows, Optional<String> lastKey, Optional<Instant> startedAt, Optional<Instant> completedAt,
    Optional<String> error) {
  /** Validates the components. */
  public PhaseState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lastKey, "lastKey");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(completedAt, "completedAt");
    Objects.requireNonNull(error, "error");
  }

  /**
   * Returns the state of a phase nothing was recorded for.
   *
   * @param phase the phase
   * @return a pending state
   */
  public static PhaseState pending(Phase phase) {
    return new PhaseState(phase, PhaseStatus.PENDING, 0, 0, 0, -1, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /** Returns a short description, such as {@code migrate 43 % (resumable)} or {@code expand done}. */
  public String describe() {
    String name = phase.label();
    switch (status) {
      case COMPLETED:
        return name + " done";
      case PENDING:
        return name + " pending";
      case ROLLED_BACK:
        return name + " rolled back";
      default:
        break;
    }
    String progress = "";
    if (batches > 0 || phase == Phase.MIGRATE) {
      progress = estimatedRows > 0
          ? " " + Math.min(100, rowsScanned * 100 / estimatedRows) + " %"
          : " " + rowsScanned + " rows";
    }
    String how = status == PhaseStatus.FAILED ? " (failed, resumable: " + error.orElse("unknown error") + ")"
        : " (resumable)";
    return name + progress + how;
  }
}
