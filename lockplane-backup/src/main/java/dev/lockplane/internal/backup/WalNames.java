package dev.lockplane.internal.backup;

import java.util.Locale;

/**
 * PostgreSQL's WAL naming: positions ({@code 0/3000028}), segment numbers and segment file names
 * ({@code 000000010000000000000003}: timeline, then the segment number split in two 32-bit halves
 * counted in segments per 4 GiB), and timeline history files ({@code 00000002.history}).
 */
public final class WalNames {
  private WalNames() {}

  /** Returns whether a file name is a WAL segment's. */
  public static boolean isSegment(String name) {
    return name.matches("[0-9A-F]{24}");
  }

  /** Returns whether a file name is a timeline history file's. */
  public static boolean isHistory(String name) {
    return name.matches("[0-9A-F]{8}\\.history");
  }

  /**
   * Parses a position such as {@code 0/3000028}.
   *
   * @param lsn the text
   * @return the position
   * @throws IllegalArgumentException when it is not a position
   */
  public static long parseLsn(String lsn) {
    if (lsn == null || !lsn.trim().matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
      throw new IllegalArgumentException("'" + lsn + "' is not a WAL position such as 0/3000028");
    }
    String[] p = lsn.trim().split("/");
    return (Long.parseLong(p[0], 16) << 32) | Long.parseLong(p[1], 16);
  }

  /** Formats a position as PostgreSQL does. */
  public static String formatLsn(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase(Locale.ROOT) + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
  }

  /** Returns the segment number holding a position. */
  public static long segmentOf(long lsn, long segmentSize) {
    return Long.divideUnsigned(lsn, segmentSize);
  }

  /** Returns a segment's file name. */
  public static String segmentName(int timeline, long segno, long segmentSize) {
    long perId = 0x100000000L / segmentSize;
    return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segno / perId, segno % perId);
  }

  /** Returns the timeline of a segment or history file name. */
  public static int timelineOf(String name) {
    return (int) Long.parseLong(name.substring(0, 8), 16);
  }

  /** Returns the segment number of a segment file name. */
  public static long segnoOf(String name, long segmentSize) {
    long perId = 0x100000000L / segmentSize;
    return Long.parseLong(name.substring(8, 16), 16) * perId + Long.parseLong(name.substring(16, 24), 16);
  }

  /** Returns a history file's name. */
  public static String historyName(int timeline) {
    return String.format(Locale.ROOT, "%08X.history", timeline);
  }
}
