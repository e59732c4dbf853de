package dev.lockplane.plan;

import java.time.Duration;

/**
 * Follows an apply step by step, for progress reporting. Called on the applying thread; keep it
 * quick.
 */
public interface ApplyListener {
  /** A listener that ignores every event. */
  ApplyListener NONE = new ApplyListener() {};

  /**
   * A step is about to run.
   *
   * @param index the 0-based index of the step in the plan
   * @param total the number of steps
   * @param step the step
   */
  default void stepStarted(int index, int total, Step step) {}

  /**
   * A step ran (its transaction may still be open).
   *
   * @param index the 0-based index of the step in the plan
   * @param total the number of steps
   * @param step the step
   * @param took how long its statements took
   */
  default void stepFinished(int index, int total, Step step, Duration took) {}

  /**
   * Before any step ran, an earlier apply was found left {@code running} by a process that no longer
   * exists, and was marked {@code interrupted}. The same runs are listed in {@link
   * ApplyResult#interruptedRuns()} and in the message of a failed apply.
   *
   * @param run the earlier apply
   */
  default void interruptedRunFound(InterruptedRun run) {}

  /**
   * Called once, before any check or step, when another apply holds the database's apply lock
   * (PostgreSQL) and this one starts waiting for it.
   *
   * @param holder who holds it: pid, user, client, application name, since when
   */
  default void waitingForApplyLock(String holder) {}
}
