package dev.lockplane.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * @param interruptedRuns earlier applies found left {@code running} by a process that no longer
 *     exists, which this apply marked {@code interrupted} before it started; usually empty
 * @param backupId the backup taken before the first step (see {@link ApplyBackup}), or null when none was
 */
public record ApplyResult(
    long historyId, String sourceHash, String resultHash, int stepsApplied, Instant started, Duration duration,
    List<InterruptedRun> interruptedRuns, String backupId) {
  /** Validates and copies the record. */
  public ApplyResult {
    Objects.requireNonNull(sourceHash, "sourceHash");
    Objects.requireNonNull(resultHash, "resultHash");
    interruptedRuns = interruptedRuns == null ? List.of() : List.copyOf(interruptedRuns);
  }

  /**
   * Creates the record of an apply that took no backup.
   *
   * @param historyId the id of the history row
   * @param sourceHash the schema hash before
   * @param resultHash the schema hash after
   * @param stepsApplied the number of steps applied
   * @param started when the apply started
   * @param duration how long it took
   * @param interruptedRuns earlier applies marked {@code interrupted}
   */
  public ApplyResult(long historyId, String sourceHash, String resultHash, int stepsApplied, Instant started,
      Duration duration, List<InterruptedRun> interruptedRuns) {
    this(historyId, sourceHash, resultHash, stepsApplied, started, duration, interruptedRuns, null);
  }

  /**
   * Creates the record of an apply that found no interrupted run.
   *
   * @param historyId the id of the history row
   * @param sourceHash the schema hash before
   * @param resultHash the schema hash after
   * @param stepsApplied the number of steps applied
   * @param started when the apply started
   * @param duration how long it took
   */
  public ApplyResult(long historyId, String sourceHash, String resultHash, int stepsApplied, Instant started,
      Duration duration) {
    this(historyId, sourceHash, resultHash, stepsApplied, started, duration, List.of());
  }

  /**
   * Returns what a person should read about this apply: the steps applied and, on their own lines,
   * the interrupted runs it found.
   *
   * @return one or more lines, without a trailing newline
   */
  public String toText() {
    StringBuilder b = new StringBuilder("Applied " + stepsApplied + " step" + (stepsApplied == 1 ? "" : "s")
        + " in " + duration.toMillis() + " ms (history #" + historyId + "); schema now " + resultHash + ".");
    if (backupId != null) {
      b.append("\nBacked up first: backup ").append(backupId).append('.');
    }
    for (InterruptedRun r : interruptedRuns) {
      b.append("\nNote: ").append(r.toText()).append('.');
    }
    return b.toString();
  }
}
