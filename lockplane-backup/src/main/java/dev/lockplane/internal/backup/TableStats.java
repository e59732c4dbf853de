package dev.lockplane.internal.backup;

import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads per-table row counts and column lists, recorded at backup time and compared by drills. */
public final class TableStats {
  private TableStats() {}

  /**
   * Reads every ordinary user table of a PostgreSQL database.
   *
   * @param c a connection to the database
   * @param database the database name, used as the key prefix
   * @return {@code database.schema.table} → info, sorted
   * @throws SQLException when a query fails
   */
  public static Map<String, Manifest.TableInfo> postgres(Connection c, String database) throws SQLException {
    return postgres(c, database, true, null);
  }

  /**
   * A row count known without counting: that of a backup's parent, for a table whose heap no write
   * has touched since.
   */
  @FunctionalInterface
  public interface KnownCount {
    /**
     * Returns the table's row count if it is known, else {@code null}.
     *
     * @param table {@code database.schema.table}
     * @param file where the table's heap is stored
     * @return the count, or {@code null} to count
     */
    Long of(String table, RelationFile file);
  }

  /**
   * Where a table's heap is stored, as WAL summaries name it.
   *
   * @param tablespace the tablespace's oid (the database's default resolved)
   * @param database the database's oid
   * @param relfilenode the file number
   */
  public record RelationFile(long tablespace, long database, long relfilenode) {}

  /**
   * Reads every ordinary user table of a PostgreSQL database, counting the rows of the tables whose
   * count is not known.
   *
   * @param c a connection to the database
   * @param database the database name, used as the key prefix
   * @param countRows whether to count rows at all ({@code count(*)}, a scan of every table); when not,
   *     {@link Manifest.TableInfo#NOT_COUNTED} stands for the count
   * @param known the counts known without counting, or {@code null}
   * @return {@code database.schema.table} → info, sorted
   * @throws SQLException when a query fails
   */
  public static Map<String, Manifest.TableInfo> postgres(Connection c, String database, boolean countRows,
      KnownCount known) throws SQLException {
    Map<String, List<String>> columns = new TreeMap<>();
    Map<String, RelationFile> files = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT n.nspname, t.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
                + " CASE WHEN t.reltablespace = 0 THEN d.dattablespace ELSE t.reltablespace END::bigint,"
                + " d.oid::bigint, pg_relation_filenode(t.oid)::bigint"
                + " FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " JOIN pg_database d ON d.datname = current_database()"
                + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " WHERE t.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
                + " ORDER BY n.nspname, t.relname, a.attnum")) {
      while (rs.next()) {
        String key = rs.getString(1) + "\u0000" + rs.getString(2);
        columns.computeIfAbsent(key, k -> new ArrayList<>()).add(rs.getString(3) + " " + rs.getString(4));
        files.putIfAbsent(key, new RelationFile(rs.getLong(5), rs.getLong(6), rs.getLong(7)));
      }
    }
    Map<String, Manifest.TableInfo> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : columns.entrySet()) {
      String[] st = e.getKey().split("\u0000", 2);
      long rows = Manifest.TableInfo.NOT_COUNTED;
      String table = database + "." + st[0] + "." + st[1];
      Long already = countRows && known != null ? known.of(table, files.get(e.getKey())) : null;
      if (already != null) {
        rows = already;
      } else if (countRows) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT count(*) FROM " + Identifiers.quote(st[0]) + "." + Identifiers.quote(st[1]))) {
          rs.next();
          rows = rs.getLong(1);
        }
      }
      out.put(table, new Manifest.TableInfo(rows, List.copyOf(e.getValue())));
    }
    return out;
  }

  /**
   * Reads every table of an SQLite database.
   *
   * @param c a connection to the database
   * @return {@code main.table} → info, sorted
   * @throws SQLException when a query fails
   */
  public static Map<String, Manifest.TableInfo> sqlite(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    Map<String, Manifest.TableInfo> out = new TreeMap<>();
    for (String t : tables) {
      List<String> cols = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + Identifiers.quote(t) + ")")) {
        while (rs.next()) {
          cols.add(rs.getString("name") + " " + rs.getString("type").toLowerCase(java.util.Locale.ROOT));
        }
      }
      long rows;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Identifiers.quote(t))) {
        rs.next();
        rows = rs.getLong(1);
      }
      out.put("main." + t, new Manifest.TableInfo(rows, List.copyOf(cols)));
    }
    return out;
  }
}
