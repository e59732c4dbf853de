package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.LossEstimate;
import dev.lockplane.backup.LossEstimate.Comparison;
import dev.lockplane.backup.LossEstimate.TableLoss;
import dev.lockplane.backup.RecoveryResult;
import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a database recovered to a target with the live database, table by table, without
 * holding either table in memory: both sides are read as (key hash, row hash) pairs sorted the same
 * way (by the hash, in the C collation) and merged. Rows are compared as their text over the columns
 * both sides have, with the settings that shape that text pinned, so a column added after the target
 * does not make every row look updated.
 */
public final class LossComparer {
  // the text of a value depends on these; both sides use the same
  private static final List<String> PINNED = List.of("SET LOCAL extra_float_digits = 3", "SET LOCAL DateStyle = 'ISO, YMD'",
      "SET LOCAL TimeZone = 'UTC'", "SET LOCAL IntervalStyle = 'postgres'", "SET LOCAL bytea_output = 'hex'");
  private static final int FETCH = 10_000;

  private LossComparer() {}

  /** A table's shape on one side. */
  private record Shape(String schema, String name, List<String> columns, List<String> primaryKey) {}

  /**
   * Compares.
   *
   * @param result the recovery that made the copy
   * @param recovered a connection to the database in the recovered copy
   * @param live a connection to the live database (only read)
   * @param database the database's name
   * @param archivedCommitsAfter the transactions committed after the target in the archived WAL, or {@code null}
   * @return the estimate
   */
  public static LossEstimate compare(RecoveryResult result, Connection recovered, Connection live, String database,
      Long archivedCommitsAfter) {
    boolean autoCommit = true;
    try {
      autoCommit = live.getAutoCommit();
      Map<String, Shape> mine = shapes(recovered);
      Map<String, Shape> theirs = shapes(live);
      TreeSet<String> names = new TreeSet<>(mine.keySet());
      names.addAll(theirs.keySet());
      List<TableLoss> tables = new ArrayList<>();
      for (String key : names) {
        Shape r = mine.get(key);
        Shape l = theirs.get(key);
        tables.add(r == null || l == null ? oneSided(r == null ? live : recovered, r == null ? l : r, r == null)
            : table(recovered, live, r, l));
      }
      Long xids = transactionIdsAfter(result, recovered, live);
      return new LossEstimate(result.plan(), database, result.lastTransaction(), tables, xids, archivedCommitsAfter);
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Comparing database " + database + " recovered to "
          + result.plan().target().describe() + " with the live database failed: " + Redaction.text(e) + ".",
          result.plan().backupId(), null, Redaction.cause(e));
    } finally {
      try {
        live.setAutoCommit(autoCommit);
      } catch (SQLException ignored) {
        // the connection is the caller's; a failure to restore its mode surfaces on its next use
      }
    }
  }

  private static Map<String, Shape> shapes(Connection c) throws SQLException {
    Map<String, Shape> out = new TreeMap<>();
    String sql = "SELECT n.nspname, c.relname,"
        + " ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        + "   AND a.attgenerated = '' ORDER BY a.attnum),"
        + " ARRAY(SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
        + "   AND a.attnum = ANY (i.indkey::int2[]) WHERE i.indrelid = c.oid AND i.indisprimary"
        + "   ORDER BY array_position(i.indkey::int2[], a.attnum))"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence = 'p'"
        + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
        + " ORDER BY 1, 2";
    c.setAutoCommit(true);
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<String> cols = List.of((String[]) rs.getArray(3).getArray());
        List<String> pk = List.of((String[]) rs.getArray(4).getArray());
        out.put(rs.getString(1) + "." + rs.getString(2), new Shape(rs.getString(1), rs.getString(2), cols, pk));
      }
    }
    return out;
  }

  private static TableLoss oneSided(Connection c, Shape t, boolean onlyLive) throws SQLException {
    try {
      long rows = count(c, t);
      return new TableLoss(t.schema(), t.name(), onlyLive ? Comparison.ONLY_LIVE : Comparison.ONLY_RECOVERED,
          onlyLive ? rows : 0, onlyLive ? 0 : rows, onlyLive ? rows : 0, 0, onlyLive ? 0 : rows, null);
    } catch (SQLException e) {
      return unreadable(t, e);
    }
  }

  private static long count(Connection c, Shape t) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Identifiers.qualified(t.schema(), t.name()))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static TableLoss unreadable(Shape t, SQLException e) {
    return new TableLoss(t.schema(), t.name(), Comparison.UNREADABLE, 0, 0, 0, 0, 0, Redaction.text(e));
  }

  private static TableLoss table(Connection recovered, Connection live, Shape r, Shape l) throws SQLException {
    List<String> common = new ArrayList<>(l.columns());
    common.retainAll(r.columns());
    List<String> onlyLive = new ArrayList<>(l.columns());
    onlyLive.removeAll(r.columns());
    List<String> onlyRecovered = new ArrayList<>(r.columns());
    onlyRecovered.removeAll(l.columns());
    String note = null;
    if (!onlyLive.isEmpty() || !onlyRecovered.isEmpty()) {
      note = "compared over the columns both have" + (onlyLive.isEmpty() ? "" : "; added after the target: " + String.join(", ", onlyLive))
          + (onlyRecovered.isEmpty() ? "" : "; dropped after the target: " + String.join(", ", onlyRecovered));
    }
    boolean byKey = !l.primaryKey().isEmpty() && l.primaryKey().equals(r.primaryKey()) && common.containsAll(l.primaryKey());
    String from = Identifiers.qualified(l.schema(), l.name());
    String row = "md5(ROW(" + (common.isEmpty() ? "NULL" : String.join(", ", common.stream().map(Identifiers::quote).toList())) + ")::text)";
    String sql;
    if (byKey) {
      String key = "md5(ROW(" + String.join(", ", l.primaryKey().stream().map(Identifiers::quote).toList()) + ")::text)";
      sql = "SELECT " + key + ", " + row + ", 1 FROM " + from + " ORDER BY " + key + " COLLATE \"C\"";
    } else {
      sql = "SELECT " + row + ", NULL, count(*) FROM " + from + " GROUP BY 1 ORDER BY " + row + " COLLATE \"C\"";
    }
    try {
      live.setAutoCommit(false);
      recovered.setAutoCommit(false);
      try (Statement ls = open(live); Statement rs = open(recovered);
          ResultSet a = ls.executeQuery(sql); ResultSet b = rs.executeQuery(sql)) {
        long[] n = merge(a, b);
        return new TableLoss(l.schema(), l.name(), byKey ? Comparison.PRIMARY_KEY : Comparison.ROW_COUNTS, n[0], n[1], n[2], n[3],
            n[4], note);
      } finally {
        live.rollback();
        recovered.rollback();
      }
    } catch (SQLException e) {
      return unreadable(l, e);
    }
  }

  private static Statement open(Connection c) throws SQLException {
    Statement s = c.createStatement();
    for (String set : PINNED) {
      s.execute(set);
    }
    s.setFetchSize(FETCH);
    return s;
  }

  /** Merges two sorted streams of (key, row hash, count); returns live rows, recovered rows, inserted, updated, deleted. */
  private static long[] merge(ResultSet live, ResultSet recovered) throws SQLException {
    long liveRows = 0;
    long recRows = 0;
    long inserted = 0;
    long updated = 0;
    long deleted = 0;
    boolean hasL = live.next();
    boolean hasR = recovered.next();
    while (hasL || hasR) {
      int cmp = !hasL ? 1 : !hasR ? -1 : live.getString(1).compareTo(recovered.getString(1));
      if (cmp < 0) {
        long c = live.getLong(3);
        liveRows += c;
        inserted += c;
        hasL = live.next();
      } else if (cmp > 0) {
        long c = recovered.getLong(3);
        recRows += c;
        deleted += c;
        hasR = recovered.next();
      } else {
        long cl = live.getLong(3);
        long cr = recovered.getLong(3);
        liveRows += cl;
        recRows += cr;
        String hl = live.getString(2);
        if (hl != null && !hl.equals(recovered.getString(2))) {
          updated++;
        } else if (cl > cr) {
          inserted += cl - cr;
        } else {
          deleted += cr - cl;
        }
        hasL = live.next();
        hasR = recovered.next();
      }
    }
    return new long[] {liveRows, recRows, inserted, updated, deleted};
  }

  /**
   * The transaction ids the live server assigned after the target: its next id minus the recovered
   * copy's, when both are the same server (same system identifier) and the live role may read it.
   */
  private static Long transactionIdsAfter(RecoveryResult result, Connection recovered, Connection live) {
    try {
      live.setAutoCommit(true);
      String sysid = scalar(live, "SELECT system_identifier::text FROM pg_control_system()");
      if (!result.plan().systemIdentifier().equals(sysid)) {
        return null;
      }
      long now = Long.parseLong(scalar(live, "SELECT txid_snapshot_xmax(txid_current_snapshot())::text"));
      long then = Long.parseLong(scalar(recovered, "SELECT txid_snapshot_xmax(txid_current_snapshot())::text"));
      return Math.max(0, now - then);
    } catch (SQLException | RuntimeException e) {
      return null;
    }
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
