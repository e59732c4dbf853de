package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the history table without changing anything: a database that never had an apply has no
 * table, and reads as an empty history. Columns a table from an older version lacks read as null.
 */
public final class HistoryReader {
  private static volatile String localHost;

  private HistoryReader() {}

  /**
   * Returns every recorded apply, oldest first.
   *
   * @param c a connection to the database
   * @param sqlite whether it is SQLite
   * @return the entries
   */
  public static List<HistoryEntry> list(Connection c, boolean sqlite) {
    try {
      Set<String> cols = ApplyHistory.columns(c, sqlite);
      if (cols.isEmpty()) {
        return List.of();
      }
      String steps = sqlite ? "json_array_length(plan, '$.plan.steps')" : "jsonb_array_length(plan->'plan'->'steps')";
      String sql = "SELECT id, started_at, duration_ms, outcome, coalesce(" + steps + ", 0), source_hash, "
          + "target_hash, result_hash, " + col(cols, "db_user") + ", " + col(cols, "client_addr") + ", "
          + col(cols, "client_host") + ", error, " + col(cols, "backup_id") + " FROM " + ApplyHistory.table(sqlite) + " ORDER BY id";
      List<HistoryEntry> entries = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement(sql); ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Instant started = sqlite ? Instant.parse(rs.getString(2)) : rs.getTimestamp(2).toInstant();
          long ms = rs.getLong(3);
          Duration d = rs.wasNull() ? null : Duration.ofMillis(ms);
          entries.add(new HistoryEntry(rs.getLong(1), started, d, HistoryEntry.Outcome.of(rs.getString(4)),
              rs.getInt(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
              rs.getString(11), rs.getString(12), rs.getString(13)));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the apply history ("
          + ApplyHistory.table(sqlite) + "): " + e.getMessage(), e);
    }
  }

  /**
   * Returns the plan a history row applied (without the source schema, which is not recorded).
   *
   * @param c a connection to the database
   * @param sqlite whether it is SQLite
   * @param id the history id
   * @return the plan, or empty when there is no such row
   */
  public static Optional<Plan> plan(Connection c, boolean sqlite, long id) {
    try {
      if (ApplyHistory.columns(c, sqlite).isEmpty()) {
        return Optional.empty();
      }
      try (PreparedStatement p = c.prepareStatement("SELECT plan" + (sqlite ? "" : "::text") + " FROM "
          + ApplyHistory.table(sqlite) + " WHERE id = ?")) {
        p.setLong(1, id);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(SchemaJson.read(rs.getString(1), "plan", Plan.class,
              ApplyHistory.table(sqlite) + " #" + id)) : Optional.empty();
        }
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the plan of history #" + id + ": "
          + e.getMessage(), e);
    }
  }

  private static String col(Set<String> present, String name) {
    return present.contains(name) ? name : "NULL";
  }

  /** The name of this machine, for the history's {@code client_host}; null when it cannot be told. */
  static String localHost() {
    String h = localHost;
    if (h == null) {
      String env = System.getenv("HOSTNAME");
      try {
        h = env != null && !env.isBlank() ? env : InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        h = "";
      }
      localHost = h;
    }
    return h.isEmpty() ? null : h;
  }
}
