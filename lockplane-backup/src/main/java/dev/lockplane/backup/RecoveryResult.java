package dev.lockplane.backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What a point-in-time recovery did.
 *
 * @param plan the backup and WAL it used
 * @param directory the recovered data directory
 * @param segmentsReplayed how many archived WAL segments were made available to the server
 * @param lastTransaction the commit time of the last transaction replayed, or {@code null} when
 *     none was replayed after the base backup
 * @param timeline the timeline the recovered cluster continues on
 * @param serverLog PostgreSQL's own account of where recovery stopped (its log lines)
 */
public record RecoveryResult(RecoveryPlan plan, Path directory, int segmentsReplayed, Instant lastTransaction, int timeline,
    List<String> serverLog) {
  /** Copies the log lines. */
  public RecoveryResult {
    serverLog = List.copyOf(serverLog);
  }
}
