package dev.lockplane.migrate;

/** Receives the progress of a batched backfill, on the thread that runs it, after each committed batch. */
@FunctionalInterface
public interface BackfillListener {
  /** A listener that ignores progress. */
  BackfillListener NONE = p -> { };

  /**
   * Called after a batch committed.
   *
   * @param progress counts so far
   */
  void batchCommitted(BackfillProgress progress);
}
