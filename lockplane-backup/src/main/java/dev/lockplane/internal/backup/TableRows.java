package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One table's rows read through JDBC, keyed by primary key: what the comparison of a backup's
 * content with the live database and the merge of restored rows work on. Tables are named as the
 * user sees them: {@code schema.table} on PostgreSQL, {@code table} on SQLite.
 */
public final class TableRows {
  /** A row's primary key values, compared by value. */
  public record Key(List<Object> values) implements Comparable<Key> {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.deepEquals(values.toArray(), k.values.toArray());
    }

    @Override
    public int hashCode() {
      return Arrays.deepHashCode(values.toArray());
    }

    @Override
    public int compareTo(Key o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return values.size() == 1 ? String.valueOf(values.get(0)) : values.toString();
    }
  }

  /** A table's shape: its primary key and its columns (name → default expression, or null), in order. */
  public record Shape(String table, List<String> key, Map<String, String> columns) {}

  private TableRows() {}

  /** Splits {@code schema.table} (PostgreSQL) or {@code table} (SQLite). */
  static String[] split(String table) {
    int dot = table.indexOf('.');
    return dot < 0 ? new String[] {null, table} : new String[] {table.substring(0, dot), table.substring(dot + 1)};
  }

  /** The table's quoted name for SQL. */
  public static String sqlName(String table) {
    String[] p = split(table);
    return p[0] == null ? Identifiers.quote(p[1]) : Identifiers.qualified(p[0], p[1]);
  }

  /**
   * Reads a table's shape, or null when the database has no such table.
   *
   * @param c the connection
   * @param table the table
   * @return the shape, or null
   * @throws SQLException when the catalog cannot be read
   */
  public static Shape shape(Connection c, String table) throws SQLException {
    String[] p = split(table);
    DatabaseMetaData md = c.getMetaData();
    Map<String, String> columns = new LinkedHashMap<>();
    try (ResultSet rs = md.getColumns(null, p[0], p[1], null)) {
      while (rs.next()) {
        if (p[0] == null || p[0].equals(rs.getString("TABLE_SCHEM"))) {
          columns.put(rs.getString("COLUMN_NAME"), rs.getString("COLUMN_DEF"));
        }
      }
    }
    if (columns.isEmpty()) {
      return null;
    }
    Map<Integer, String> key = new TreeMap<>();
    try (ResultSet rs = md.getPrimaryKeys(null, p[0], p[1])) {
      while (rs.next()) {
        key.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
      }
    }
    return new Shape(table, List.copyOf(key.values()), columns);
  }

  /**
   * Reads rows: primary key → the values of {@code columns}, in that order.
   *
   * @param c the connection
   * @param shape the table's shape (with a primary key)
   * @param columns the columns to read
   * @return the rows, sorted by key
   * @throws SQLException when the query fails
   */
  public static Map<Key, List<Object>> read(Connection c, Shape shape, List<String> columns) throws SQLException {
    return read(c, shape, columns, Map.of());
  }

  /**
   * Reads rows like {@link #read(Connection, Shape, List)}, some columns converted on the way: each
   * column named in {@code casts} is read as {@code CAST(column AS type)}, evaluated by the server.
   *
   * @param c the connection
   * @param shape the table's shape (with a primary key)
   * @param columns the columns to read
   * @param casts column → the SQL type to read it as
   * @return the rows, sorted by key
   * @throws SQLException when the query fails (a conversion the server cannot make, too)
   */
  public static Map<Key, List<Object>> read(Connection c, Shape shape, List<String> columns, Map<String, String> casts)
      throws SQLException {
    if (shape.key().isEmpty()) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "Table " + shape.table() + " has no primary key: its rows "
          + "cannot be matched between the backup and the live database. Restore the backup into a clone instead.");
    }
    List<String> all = new ArrayList<>(shape.key());
    all.addAll(columns);
    String sql = "SELECT " + String.join(", ", all.stream().map(col -> casts.containsKey(col)
        ? "CAST(" + Identifiers.quote(col) + " AS " + casts.get(col) + ")" : Identifiers.quote(col)).toList())
        + " FROM " + sqlName(shape.table());
    Map<Key, List<Object>> out = new TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> k = new ArrayList<>();
        for (int i = 1; i <= shape.key().size(); i++) {
          k.add(rs.getObject(i));
        }
        List<Object> v = new ArrayList<>();
        for (int i = shape.key().size() + 1; i <= all.size(); i++) {
          v.add(rs.getObject(i));
        }
        out.put(new Key(k), v);
      }
    }
    return out;
  }

  /** Whether two column values are equal (arrays by content; numbers by value). */
  public static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new java.math.BigDecimal(x.toString()).compareTo(new java.math.BigDecimal(y.toString())) == 0;
    }
    return Arrays.deepEquals(new Object[] {a}, new Object[] {b});
  }

  /** A value as shown in a report: quoted text, or {@code NULL}. */
  public static String show(Object v) {
    if (v == null) {
      return "NULL";
    }
    String s = v instanceof byte[] b ? "<" + b.length + " bytes>" : v.toString();
    s = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return v instanceof Number || v instanceof Boolean ? s : "'" + s + "'";
  }

  /** Lower-case names for case-insensitive column matching on SQLite. */
  static String norm(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
