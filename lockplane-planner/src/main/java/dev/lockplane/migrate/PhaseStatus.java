package dev.lockplane.migrate;

import java.util.Locale;

/** Where a phase of a recorded migration stands. */
public enum PhaseStatus {
  /** Not started (or no row recorded yet). */
  PENDING,
  /** Started and not finished: a backfill in this state resumes from its last committed batch. */
  RUNNING,
  /** Finished. */
  COMPLETED,
  /** Finished, then undone by its rollback steps. */
  ROLLED_BACK,
  /** Stopped by an error; running the phase again resumes or retries it. */
  FAILED;

  /** Returns the lower-case name recorded in the state table. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a recorded label.
   *
   * @param label such as {@code running}
   * @return the status
   */
  public static PhaseStatus ofLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
