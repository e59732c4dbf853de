package dev.lockplane.backup;

import java.util.List;

/**
 * How a backup differs from a live database.
 *
 * @param backupId the backup
 * @param database the database compared
 * @param rowCounts tables whose row counts differ, sorted by table
 * @param onlyInBackup tables in the backup but not in the live database
 * @param onlyLive tables in the live database but not in the backup
 * @param columnChanges tables whose columns (names and types, in order) differ
 */
public record CompareReport(String backupId, String database, List<RowCountDifference> rowCounts,
    List<String> onlyInBackup, List<String> onlyLive, List<ColumnDifference> columnChanges) {

  /** Copies the lists. */
  public CompareReport {
    rowCounts = List.copyOf(rowCounts);
    onlyInBackup = List.copyOf(onlyInBackup);
    onlyLive = List.copyOf(onlyLive);
    columnChanges = List.copyOf(columnChanges);
  }

  /**
   * A table with different row counts.
   *
   * @param table {@code schema.table}
   * @param backup rows in the backup
   * @param live rows now
   */
  public record RowCountDifference(String table, long backup, long live) {}

  /**
   * A table whose columns changed.
   *
   * @param table {@code schema.table}
   * @param backup columns in the backup ({@code name type})
   * @param live columns now
   */
  public record ColumnDifference(String table, List<String> backup, List<String> live) {}

  /** Returns whether the live database matches the backup. */
  public boolean same() {
    return rowCounts.isEmpty() && onlyInBackup.isEmpty() && onlyLive.isEmpty() && columnChanges.isEmpty();
  }
}
