package dev.lockplane.backup;

/**
 * Receives progress of a backup, verification or restore. Calls are serialized (never concurrent)
 * but may come from worker threads; a listener must return quickly.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores progress. */
  ProgressListener NONE = p -> {};

  /**
   * Called when progress is made, at most every few megabytes and on each phase change.
   *
   * @param progress the current state
   */
  void onProgress(Progress progress);
}
