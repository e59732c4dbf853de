package dev.lockplane.internal.backup;

import java.util.List;

/**
 * What one archived WAL segment holds, read from its records when it was archived: the restore
 * points created in it and its transaction outcomes. Stored in the segment's {@link WalEntry}; an
 * entry written before the index existed has none.
 *
 * @param records how many records were decoded
 * @param through the WAL position after the last decoded record
 * @param restorePoints the restore points, in WAL order
 * @param commits the commit records (including prepared transactions committed)
 * @param aborts the abort records (including prepared transactions rolled back)
 * @param firstCommit the commit time of the first commit record (ISO-8601 instant), or {@code null}
 * @param lastCommit the commit time of the last commit record in WAL order, or {@code null}
 * @param incomplete why part of the segment was not decoded (the index then covers only what lies
 *     before {@code through}), or {@code null} when all of it was
 */
public record WalIndex(long records, String through, List<RestorePoint> restorePoints, long commits, long aborts,
    String firstCommit, String lastCommit, String incomplete) {
  /** Copies the restore points. */
  public WalIndex {
    restorePoints = restorePoints == null ? List.of() : List.copyOf(restorePoints);
  }

  /** Returns whether the whole segment was decoded, so that the absence of a record here is known. */
  public boolean complete() {
    return incomplete == null;
  }

  /**
   * A restore point ({@code pg_create_restore_point}).
   *
   * @param name its name
   * @param lsn the WAL position after its record: what {@code pg_create_restore_point} returned,
   *     and where recovery to it stops
   * @param time when it was created (ISO-8601 instant)
   */
  public record RestorePoint(String name, String lsn, String time) {}
}
