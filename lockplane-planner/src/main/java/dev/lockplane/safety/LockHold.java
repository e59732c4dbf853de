package dev.lockplane.safety;

import dev.lockplane.plan.LockMode;
import java.time.Duration;
import java.util.Objects;

/**
 * A lock a step was measured to hold.
 *
 * @param relation the relation, schema-qualified unless in {@code public}
 * @param mode the strongest mode seen on it
 * @param heldFor how long it was held in that mode: from the first sample that saw it (or the start of
 *     the step) to the last sample (or the commit, for a transactional step, which keeps its locks to the end)
 */
public record LockHold(String relation, LockMode mode, Duration heldFor) {
  /** Validates the components. */
  public LockHold {
    Objects.requireNonNull(relation, "relation");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(heldFor, "heldFor");
  }
}
