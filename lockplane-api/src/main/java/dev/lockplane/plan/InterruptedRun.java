package dev.lockplane.plan;

import java.time.Instant;
import java.util.Objects;

/**
 * An earlier apply whose process ended without recording an outcome (killed, or its connection
 * lost): its history row said {@code running} and the next apply marked it {@code interrupted}.
 * Its steps may be partly applied; the schema hash check of the next apply tells whether the
 * database is still where a plan expects it.
 *
 * @param historyId the id of its history row
 * @param started when it started
 * @param sourceHash the schema hash its plan started from
 * @param targetHash the schema hash its plan would have produced
 */
public record InterruptedRun(long historyId, Instant started, String sourceHash, String targetHash) {
  /** Validates the record. */
  public InterruptedRun {
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(sourceHash, "sourceHash");
    Objects.requireNonNull(targetHash, "targetHash");
  }

  /** Returns one sentence for a person: which run, and what to check. */
  public String toText() {
    return "apply #" + historyId + " (started " + started + ", plan " + sourceHash + " -> " + targetHash
        + ") was left 'running' by a process that no longer exists and is now recorded as 'interrupted'; "
        + "some of its steps may have been committed";
  }
}
