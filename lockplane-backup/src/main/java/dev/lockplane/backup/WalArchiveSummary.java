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
 * @param restorePoints the restore points in the archived WAL, in WAL order
 * @param lastCommit the commit time of the last transaction in the archived WAL, or {@code null}
 *     when none is indexed or a segment after the last indexed one is not indexed
 * @param unindexedSegments how many archived segments have no complete index (archived before
 *     the index existed, or not fully decodable): restore points in them are not listed
 */
public record WalArchiveSummary(String systemIdentifier, long segments, String firstSegment, String lastSegment,
    String archivedThrough, Instant lastArchivedAt, List<String> gaps, List<Integer> timelines,
    List<ArchivedRestorePoint> restorePoints, Instant lastCommit, long unindexedSegments) {
  /** Copies the lists. */
  public WalArchiveSummary {
    gaps = List.copyOf(gaps);
    timelines = List.copyOf(timelines);
    restorePoints = List.copyOf(restorePoints);
  }

  /**
   * A summary without what the WAL index adds.
   *
   * @param systemIdentifier the server's system identifier
   * @param segments how many segments are archived
   * @param firstSegment the oldest archived segment
   * @param lastSegment the newest archived segment
   * @param archivedThrough the WAL position after the newest segment
   * @param lastArchivedAt when the newest segment was archived
   * @param gaps missing ranges between the oldest and the newest segment
   * @param timelines the timelines of the archived segments, ascending
   */
  public WalArchiveSummary(String systemIdentifier, long segments, String firstSegment, String lastSegment,
      String archivedThrough, Instant lastArchivedAt, List<String> gaps, List<Integer> timelines) {
    this(systemIdentifier, segments, firstSegment, lastSegment, archivedThrough, lastArchivedAt, gaps, timelines, List.of(),
        null, 0);
  }
}
