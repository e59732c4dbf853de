package dev.lockplane.internal.migrate;

import dev.lockplane.ErrorCode;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.migrate.Backfill;
import dev.lockplane.migrate.BackfillListener;
import dev.lockplane.migrate.BackfillProgress;
import dev.lockplane.migrate.MigrationException;
import dev.lockplane.migrate.Phase;
import dev.lockplane.safety.GuardedExecutor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a {@link Backfill} in key-range batches. Each batch is one short transaction that locks the
 * migration's state row, finds the next key bound, updates the rows in the range and moves the recorded
 * position forward — so the position and the rows it covers commit together, and a run killed at any
 * point resumes after the last committed batch without updating a row twice or skipping one.
 */
public final class BatchedBackfill {
  private final int batchSize;
  private final Duration lockTimeout;
  private final Duration statementTimeout;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final BackfillListener listener;

  /**
   * Creates a runner.
   *
   * @param batchSize rows per batch
   * @param lockTimeout lock_timeout of each batch
   * @param statementTimeout statement_timeout of each batch (zero: none)
   * @param maxAttempts attempts per batch when it runs out of lock_timeout
   * @param retryDelay wait after the first failed attempt (the n-th wait is n times it)
   * @param listener progress
   */
  public BatchedBackfill(int batchSize, Duration lockTimeout, Duration statementTimeout, int maxAttempts,
      Duration retryDelay, BackfillListener listener) {
    this.batchSize = batchSize;
    this.lockTimeout = lockTimeout;
    this.statementTimeout = statementTimeout;
    this.maxAttempts = maxAttempts;
    this.retryDelay = retryDelay;
    this.listener = listener;
  }

  /**
   * Runs the backfill to its end, from the position recorded for the migration up to the largest key
   * the table holds when this run starts. The state row must exist (see {@link StateTable#start}).
   *
   * @param c the connection; autocommit on return
   * @param id the migration
   * @param fill the backfill
   * @return the final progress
   * @throws SQLException when a batch fails (the batch is rolled back; earlier batches stay)
   */
  public BackfillProgress run(Connection c, String id, Backfill fill) throws SQLException {
    long start = System.nanoTime();
    String table = Identifiers.qualified(fill.table());
    String key = Identifiers.qualified(fill.keyColumn());
    String keyType = keyType(c, fill);
    long estimate = estimate(c, id, table);
    String condition = fill.filter().map(f -> " AND (" + f + ")").orElse("");
    // The backfill ends at the largest key of its start. Rows written later are in the new shape
    // already (the expand trigger fills them); following them instead never ended on a table whose
    // inserts kept ahead of the batches.
    String end = lastKey(c, table, key);
    String firstBound = "SELECT max(k)::text, count(*) FROM (SELECT " + key + " AS k FROM " + table
        + " WHERE " + key + " <= CAST(? AS " + keyType + ") ORDER BY " + key + " LIMIT " + batchSize + ") s";
    String nextBound = "SELECT max(k)::text, count(*) FROM (SELECT " + key + " AS k FROM " + table
        + " WHERE " + key + " > CAST(? AS " + keyType + ") AND " + key + " <= CAST(? AS " + keyType + ") ORDER BY "
        + key + " LIMIT " + batchSize + ") s";
    String firstUpdate = "UPDATE " + table + " SET " + fill.assignments() + " WHERE " + key
        + " <= CAST(? AS " + keyType + ")" + condition;
    String nextUpdate = "UPDATE " + table + " SET " + fill.assignments() + " WHERE " + key
        + " > CAST(? AS " + keyType + ") AND " + key + " <= CAST(? AS " + keyType + ")" + condition;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw new MigrationException(ErrorCode.DATABASE_ERROR, id, Phase.MIGRATE, "the backfill of " + fill.table()
            + " for migration " + id + " was interrupted between batches; every committed batch is recorded:"
            + " run the migrate phase again to resume", null);
      }
      Batch b = withRetries(c, id, fill, () -> batch(c, id, end, firstBound, nextBound, firstUpdate, nextUpdate));
      if (b.done) {
        return progress(id, fill, b, start, estimate);
      }
      listener.batchCommitted(progress(id, fill, b, start, estimate));
    }
  }

  private BackfillProgress progress(String id, Backfill fill, Batch b, long start, long estimate) {
    return new BackfillProgress(id, fill.table(), b.rowsUpdated, b.rowsScanned, b.batches,
        Optional.ofNullable(b.lastKey), Duration.ofNanos(System.nanoTime() - start), estimate);
  }

  private record Batch(boolean done, String lastKey, long rowsUpdated, long rowsScanned, long batches) {}

  @FunctionalInterface
  private interface Attempt {
    Batch run() throws SQLException;
  }

  private Batch withRetries(Connection c, String id, Backfill fill, Attempt attempt) throws SQLException {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (SQLException e) {
        if (!GuardedExecutor.LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || n >= maxAttempts) {
          throw e;
        }
        try {
          Thread.sleep(retryDelay.multipliedBy(n).toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new MigrationException(ErrorCode.DATABASE_ERROR, id, Phase.MIGRATE, "the backfill of "
              + fill.table() + " was interrupted while waiting to retry a batch; run the migrate phase again to resume",
              ie);
        }
      }
    }
  }

  private Batch batch(Connection c, String id, String end, String firstBound, String nextBound, String firstUpdate,
      String nextUpdate) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis());
        s.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
      }
      String last;
      long updated;
      long scanned;
      long batches;
      // FOR UPDATE serializes concurrent runners of the same migration on the recorded position.
      try (PreparedStatement p = c.prepareStatement("SELECT last_key, rows_updated, rows_scanned, batches FROM "
          + StateTable.TABLE + " WHERE migration_id = ? AND phase = 'migrate' FOR UPDATE")) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("no state row for migration " + id + " phase migrate");
          }
          last = rs.getString(1);
          updated = rs.getLong(2);
          scanned = rs.getLong(3);
          batches = rs.getLong(4);
        }
      }
      String upper;
      long inRange;
      try (PreparedStatement p = c.prepareStatement(last == null ? firstBound : nextBound)) {
        if (last != null) {
          p.setString(1, last);
        }
        p.setString(last == null ? 1 : 2, end);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          upper = rs.getString(1);
          inRange = rs.getLong(2);
        }
      }
      if (inRange == 0) {
        c.commit();
        return new Batch(true, last, updated, scanned, batches);
      }
      long changed;
      try (PreparedStatement p = c.prepareStatement(last == null ? firstUpdate : nextUpdate)) {
        if (last == null) {
          p.setString(1, upper);
        } else {
          p.setString(1, last);
          p.setString(2, upper);
        }
        changed = p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("UPDATE " + StateTable.TABLE + " SET last_key = ?,"
          + " rows_updated = rows_updated + ?, rows_scanned = rows_scanned + ?, batches = batches + 1,"
          + " updated_at = now() WHERE migration_id = ? AND phase = 'migrate'")) {
        p.setString(1, upper);
        p.setLong(2, changed);
        p.setLong(3, inRange);
        p.setString(4, id);
        p.executeUpdate();
      }
      c.commit();
      return new Batch(false, upper, updated + changed, scanned + inRange, batches + 1);
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      throw e;
    } finally {
      try {
        c.setAutoCommit(true);
      } catch (SQLException ignored) {
        // The connection is gone (for example its backend was terminated); the caller sees the first error.
      }
    }
  }

  /**
   * The table's largest key as text, or null when the table is empty (no bound then matches a row). The
   * alias keeps {@code ORDER BY} on the key itself, not on its text.
   */
  private static String lastKey(Connection c, String table, String key) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + key + "::text AS last_key FROM " + table + " WHERE " + key
            + " IS NOT NULL ORDER BY " + key + " DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static String keyType(Connection c, Backfill fill) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
        + " WHERE a.attrelid = to_regclass(?) AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
      p.setString(1, Identifiers.qualified(fill.table()));
      p.setString(2, fill.keyColumn());
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("table " + fill.table() + " has no column " + fill.keyColumn()
              + " to batch the backfill by; name a unique, non-null key column");
        }
        return rs.getString(1);
      }
    }
  }

  private static long estimate(Connection c, String id, String table) throws SQLException {
    long estimate;
    try (PreparedStatement p = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
      p.setString(1, table);
      try (ResultSet rs = p.executeQuery()) {
        estimate = rs.next() ? rs.getLong(1) : -1;
      }
    }
    try (PreparedStatement p = c.prepareStatement("UPDATE " + StateTable.TABLE + " SET estimated_rows = ?"
        + " WHERE migration_id = ? AND phase = 'migrate'")) {
      p.setLong(1, estimate);
      p.setString(2, id);
      p.executeUpdate();
    }
    return estimate;
  }
}
