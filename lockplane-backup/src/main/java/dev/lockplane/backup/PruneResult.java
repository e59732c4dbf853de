package dev.lockplane.backup;

import java.util.List;

/**
 * What a prune did, or would do on a dry run.
 *
 * @param dryRun whether nothing was deleted
 * @param decisions one per complete backup, newest first, with the reasons each survivor stays
 * @param removed the ids of the backups removed (or that would be)
 * @param incomplete ids of backups that never completed (no manifest), removed (or that would be)
 * @param walRemoved archived WAL files removed (or that would be) because no kept physical backup
 *     needs them, as {@code SYSID/NAME}
 * @param walKept per server with archived WAL, why its WAL stays, such as {@code 7713868839984272334:
 *     from 000000010000000000000005, the end of backup 20261130T...}
 */
public record PruneResult(boolean dryRun, List<Retention.Decision> decisions, List<String> removed, List<String> incomplete,
    List<String> walRemoved, List<String> walKept) {
  /** Copies the lists. */
  public PruneResult {
    decisions = List.copyOf(decisions);
    removed = List.copyOf(removed);
    incomplete = List.copyOf(incomplete);
    walRemoved = List.copyOf(walRemoved);
    walKept = List.copyOf(walKept);
  }

  /**
   * A result without WAL archive changes.
   *
   * @param dryRun whether nothing was deleted
   * @param decisions the decisions
   * @param removed the removed backups
   * @param incomplete the removed incomplete backups
   */
  public PruneResult(boolean dryRun, List<Retention.Decision> decisions, List<String> removed, List<String> incomplete) {
    this(dryRun, decisions, removed, incomplete, List.of(), List.of());
  }
}
