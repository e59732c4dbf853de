package dev.lockplane.backup;

import java.time.Instant;
import java.util.List;

/**
 * What the repository's WAL archive holds for one server.
 *
 * @param systemIdentifier the server's system identifier
 * @param segments how many segments are archived
 * @param firstSegment the oldest archived segment
 * @param lastSegment the newest archived segment
 * @param archivedThrough the WAL position after the newest segment
 * @param lastArchivedAt when the newest segment was archived
 * @param gaps missing ranges between the oldest and the newest segment, such as
 *     {@code 000000010000000000000004..000000010000000000000007}; recovery cannot cross them
 * @param timelines the timelines of the archived segments, ascending
 */
public record WalArchiveSummary(String systemIdentifier, long segments, String firstSegment, String lastSegment,
    String archivedThrough, Instant lastArchivedAt, List<String> gaps, List<Integer> timelines) {
  /** Copies the lists. */
  public WalArchiveSummary {
    gaps = List.copyOf(gaps);
    timelines = List.copyOf(timelines);
  }
}
