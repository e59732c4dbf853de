package dev.lockplane.instances;

/**
 * Hears about long work of an instance clone manager: building the golden data directory, taking
 * snapshots, creating, resetting and destroying clones.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = (subject, phase) -> {};

  /**
   * Called when a phase starts.
   *
   * @param subject the clone, snapshot or golden concerned
   * @param phase what starts, such as {@code running script db/seed.sql}
   */
  void progress(String subject, String phase);
}
