package dev.lockplane.safety;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;

/**
 * A table's size as the target's planner statistics see it ({@code pg_class.reltuples} and
 * {@code relpages}, refreshed by VACUUM and ANALYZE): cheap to read, approximate by design.
 *
 * @param table the table's name as given
 * @param rows the estimated row count ({@code reltuples}; 0 when never analyzed)
 * @param bytes the estimated heap size ({@code relpages} × block size)
 */
public record TableStatistics(String table, long rows, long bytes) {
  /** Validates the components. */
  public TableStatistics {
    Objects.requireNonNull(table, "table");
  }

  /**
   * Reads a table's statistics.
   *
   * @param connection a connection to the target database
   * @param table the table name, optionally schema-qualified, as SQL would resolve it
   * @return the statistics
   * @throws LockplaneException ({@link ErrorCode#NOT_FOUND}) when no such table exists
   */
  public static TableStatistics read(Connection connection, String table) {
    String sql = "SELECT greatest(c.reltuples, 0)::bigint, c.relpages::bigint * current_setting('block_size')::bigint"
        + " FROM pg_class c WHERE c.oid = to_regclass(?)";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new LockplaneException(ErrorCode.NOT_FOUND, "no table '" + table
              + "' in the target database: check the name and the search_path");
        }
        return new TableStatistics(table, rs.getLong(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "cannot read the statistics of '" + table + "': "
          + e.getMessage(), e);
    }
  }

  /**
   * Describes what a kind of statement does to this table, for example
   * {@code rewrites `orders` (≈ 12 M rows, 3.1 GB) under ACCESS EXCLUSIVE}.
   *
   * @param entry the statement's catalogue entry
   * @return the sentence, without a final period
   */
  public String describe(CatalogueEntry entry) {
    String verb = switch (entry.effect()) {
      case REWRITE -> "rewrites";
      case SCAN -> "scans";
      case TRUNCATE -> "empties";
      case NONE -> "changes the catalog of";
    };
    return verb + " `" + table + "` (≈ " + humanRows(rows) + " rows, " + humanBytes(bytes) + ") under "
        + entry.strongestLock().sqlName();
  }

  static String humanRows(long n) {
    if (n < 1_000) {
      return Long.toString(n);
    }
    if (n < 1_000_000) {
      return oneDecimal(n / 1e3) + " k";
    }
    if (n < 1_000_000_000) {
      return oneDecimal(n / 1e6) + " M";
    }
    return oneDecimal(n / 1e9) + " G";
  }

  /**
   * Formats a byte count with binary units, one decimal ({@code 3.1 GB}).
   *
   * @param b the count
   * @return the text
   */
  public static String humanBytes(long b) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    double v = b;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (u == 0 ? Long.toString(b) : oneDecimal(v)) + " " + units[u];
  }

  private static String oneDecimal(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
