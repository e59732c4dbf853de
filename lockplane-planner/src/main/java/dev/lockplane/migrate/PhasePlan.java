package dev.lockplane.migrate;

import dev.lockplane.safety.SqlStep;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One phase of an expand / contract change: its steps, the steps that undo it, and (for the migrate
 * phase) the backfill that runs after its steps.
 *
 * @param phase which phase
 * @param steps the steps, run in order, each guarded by lock and statement timeouts
 * @param backfill the batched backfill of this phase, if any
 * @param rollback the steps that return the schema to the shape before this phase
 * @param notes caveats for the operator (for example data a rollback cannot restore); may be empty
 */
public record PhasePlan(Phase phase, List<SqlStep> steps, Optional<Backfill> backfill, List<SqlStep> rollback,
    List<String> notes) {
  /** Validates and copies the components. */
  public PhasePlan {
    Objects.requireNonNull(phase, "phase");
    steps = List.copyOf(steps);
    Objects.requireNonNull(backfill, "backfill");
    rollback = List.copyOf(rollback);
    notes = List.copyOf(notes);
  }

  /** Returns whether the phase does nothing (no steps and no backfill). */
  public boolean isEmpty() {
    return steps.isEmpty() && backfill.isEmpty();
  }
}
