package dev.lockplane.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What applying a plan did. A failed apply throws; this is the record of a successful one.
 *
 * @param historyId the id of the history row that records the apply
 * @param sourceHash the schema hash before
 * @param resultHash the schema hash after
 * @param stepsApplied the number of steps applied
 * @param started when the apply started
 * @param duration how long it took
 */
public record ApplyResult(
    long historyId, String sourceHash, String resultHash, int stepsApplied, Instant started, Duration duration) {
  /** Validates the record. */
  public ApplyResult {
    Objects.requireNonNull(sourceHash, "sourceHash");
    Objects.requireNonNull(resultHash, "resultHash");
  }
}
