package dev.lockplane.backup;

import java.time.Instant;
import java.util.List;

/**
 * What a point-in-time recovery will use, and why: the base backup, and the archived WAL replayed
 * on top of it.
 *
 * @param target the target
 * @param systemIdentifier the server whose backup and WAL are used
 * @param backupId the base backup: the newest physical backup of that server that finished before
 *     the target
 * @param backupStopTime when it finished
 * @param backupStopWal where its WAL ends
 * @param reason why this backup, in one sentence
 * @param firstSegment the first archived WAL segment replayed, or {@code null} when none is needed
 * @param lastSegment the last archived WAL segment that may be replayed, or {@code null}
 * @param walEnd the WAL position after {@code lastSegment}: recovery cannot go further
 * @param walArchivedUntil when {@code lastSegment} was archived: every transaction it holds
 *     committed before then
 * @param stopsBefore the missing segment recovery cannot cross, or {@code null} when the archive is
 *     complete from the backup to its newest segment
 * @param notes remarks worth showing, such as a gap after the target
 */
public record RecoveryPlan(RecoveryTarget target, String systemIdentifier, String backupId, Instant backupStopTime,
    String backupStopWal, String reason, String firstSegment, String lastSegment, String walEnd, Instant walArchivedUntil,
    String stopsBefore, List<String> notes) {
  /** Copies the notes. */
  public RecoveryPlan {
    notes = List.copyOf(notes);
  }
}
