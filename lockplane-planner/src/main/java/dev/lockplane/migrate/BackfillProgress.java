package dev.lockplane.migrate;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Progress of a batched backfill after a committed batch. Counts include batches committed by earlier,
 * interrupted runs of the same migration.
 *
 * @param migrationId the migration
 * @param table the table
 * @param rowsUpdated rows the backfill changed
 * @param rowsScanned rows whose keys the committed batches covered (updated or already in shape)
 * @param batches committed batches
 * @param lastKey the last key covered, as text
 * @param elapsed time spent by this run
 * @param estimatedRows the table's row estimate from {@code pg_class.reltuples}, or -1 when unknown
 */
public record BackfillProgress(String migrationId, String table, long rowsUpdated, long rowsScanned, long batches,
    Optional<String> lastKey, Duration elapsed, long estimatedRows) {
  /** Returns the fraction of the table covered (capped at 1), when the row estimate is known. */
  public OptionalDouble fraction() {
    if (estimatedRows <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Math.min(1.0, (double) rowsScanned / estimatedRows));
  }
}
