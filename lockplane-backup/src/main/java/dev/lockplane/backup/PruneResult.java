package dev.lockplane.backup;

import java.util.List;

/**
 * What a prune did, or would do on a dry run.
 *
 * @param dryRun whether nothing was deleted
 * @param decisions one per complete backup, newest first, with the reasons each survivor stays
 * @param removed the ids of the backups removed (or that would be)
 * @param incomplete ids of backups that never completed (no manifest), removed (or that would be)
 */
public record PruneResult(boolean dryRun, List<Retention.Decision> decisions, List<String> removed, List<String> incomplete) {
  /** Copies the lists. */
  public PruneResult {
    decisions = List.copyOf(decisions);
    removed = List.copyOf(removed);
    incomplete = List.copyOf(incomplete);
  }
}
