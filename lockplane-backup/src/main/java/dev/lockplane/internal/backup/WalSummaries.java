package dev.lockplane.internal.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The blocks changed between two WAL positions, from PostgreSQL 17's WAL summaries
 * ({@code summarize_wal = on}): {@code pg_available_wal_summaries()} says which ranges are
 * summarized, {@code pg_wal_summary_contents()} lists the blocks each range modified and the
 * limit blocks of relations truncated (or created, dropped) in it.
 */
final class WalSummaries {
  /** How long to wait for the summarizer to reach the backup's start. */
  private static final long WAIT_MILLIS = 20_000;

  /** One fork of one relation. */
  record Fork(long tablespace, long database, long relfilenode, int fork) {}

  /** What changed in a fork: modified blocks, and the lowest limit block (or {@code Long.MAX_VALUE}). */
  static final class Changed {
    final TreeSet<Long> blocks = new TreeSet<>();
    long limit = Long.MAX_VALUE;
  }

  /**
   * The changes between two positions.
   *
   * @param forks per fork, what changed
   * @param blockSize the server's block size
   * @param segmentBlocks blocks per relation segment file
   */
  record Changes(Map<Fork, Changed> forks, int blockSize, long segmentBlocks) {}

  private WalSummaries() {}

  /**
   * Reads the changes between two positions on a timeline, or returns {@code null} and says why in
   * {@code why} when the summaries do not cover them.
   *
   * @param c a connection to the server
   * @param timeline the timeline
   * @param from the parent backup's start
   * @param to this backup's start
   * @param why receives the reason when {@code null} is returned
   * @return the changes, or {@code null}
   * @throws SQLException when a query fails
   */
  static Changes read(Connection c, int timeline, String from, String to, StringBuilder why) throws SQLException {
    if (!"on".equals(scalar(c, "SHOW summarize_wal"))) {
      why.append("summarize_wal is off on the server");
      return null;
    }
    long target = lsn(to);
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    String reached;
    while (true) {
      reached = scalar(c, "SELECT summarized_lsn::text FROM pg_get_wal_summarizer_state()");
      if (reached != null && lsn(reached) >= target) {
        break;
      }
      if (System.currentTimeMillis() > deadline) {
        why.append("the WAL summarizer reached only ").append(reached).append(", not the backup's start ").append(to);
        return null;
      }
      try {
        // the summarizer usually catches up within milliseconds of the backup's checkpoint
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        why.append("interrupted while waiting for the WAL summarizer");
        return null;
      }
    }
    List<String[]> ranges = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT start_lsn::text, end_lsn::text FROM pg_available_wal_summaries()"
        + " WHERE tli = ? AND end_lsn > ?::pg_lsn AND start_lsn < ?::pg_lsn ORDER BY start_lsn")) {
      ps.setLong(1, timeline);
      ps.setString(2, from);
      ps.setString(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ranges.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    long covered = lsn(from);
    for (String[] r : ranges) {
      if (lsn(r[0]) > covered) {
        break;
      }
      covered = Math.max(covered, lsn(r[1]));
    }
    if (covered < target) {
      why.append("the WAL summaries on timeline ").append(timeline).append(" do not cover ").append(from).append(" to ")
          .append(to).append(" (summaries were off, or removed after wal_summary_keep_time)");
      return null;
    }
    Map<Fork, Changed> forks = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT reltablespace::bigint, reldatabase::bigint, relfilenode::bigint,"
        + " relforknumber::int, relblocknumber::bigint, is_limit_block FROM pg_wal_summary_contents(?, ?::pg_lsn, ?::pg_lsn)")) {
      for (String[] r : ranges) {
        ps.setLong(1, timeline);
        ps.setString(2, r[0]);
        ps.setString(3, r[1]);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Changed ch = forks.computeIfAbsent(new Fork(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4)),
                k -> new Changed());
            long block = rs.getLong(5);
            if (rs.getBoolean(6)) {
              ch.limit = Math.min(ch.limit, block);
            } else {
              ch.blocks.add(block);
            }
          }
        }
      }
    }
    int blockSize = Integer.parseInt(scalar(c, "SELECT current_setting('block_size')"));
    long segmentBlocks = Long.parseLong(scalar(c, "SELECT setting FROM pg_settings WHERE name = 'segment_size'"));
    return new Changes(forks, blockSize, segmentBlocks);
  }

  /** Returns an LSN ({@code 16/B374D848}) as a number. */
  static long lsn(String text) {
    int slash = text.indexOf('/');
    return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
