package dev.lockplane.safety;

import java.time.Duration;
import java.util.Objects;

/**
 * How a guarded step went.
 *
 * @param step the step
 * @param attempts how many times it ran (1 when the first attempt got its locks)
 * @param elapsed the total time, waits between attempts included
 */
public record StepOutcome(SqlStep step, int attempts, Duration elapsed) {
  /** Validates the components. */
  public StepOutcome {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(elapsed, "elapsed");
  }
}
