package dev.lockplane.internal.mask;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tables and columns of the golden being masked, as masking needs them: each column's type
 * (domains resolved to their base type), its length limit, whether it may be NULL, whether a
 * unique index covers it and whether it is generated.
 */
final class MaskSchema {

  /**
   * One column.
   *
   * @param schema the table's schema
   * @param table the table
   * @param name the column
   * @param type the base type's name, such as {@code varchar} or {@code int4}
   * @param formatted the column's declared type as PostgreSQL prints it, such as {@code character varying(40)}
   * @param maxLength the length limit of {@code varchar(n)}/{@code char(n)}, or -1
   * @param notNull whether the column is NOT NULL
   * @param unique whether a unique index (or primary key) covers the column
   * @param generated whether the column is generated
   * @param partition whether the table is a partition of another (masked through its parent)
   */
  record Column(String schema, String table, String name, String type, String formatted, int maxLength,
      boolean notNull, boolean unique, boolean generated, boolean partition) {

    String qualifiedTable() {
      return schema + "." + table;
    }

    @Override
    public String toString() {
      return schema + "." + table + "." + name;
    }
  }

  /** Columns by table ({@code schema.table}), each in column order. */
  private final Map<String, Map<String, Column>> tables;

  private MaskSchema(Map<String, Map<String, Column>> tables) {
    this.tables = tables;
  }

  /** Reads the ordinary and partitioned tables outside the system schemas. */
  static MaskSchema read(Connection c) throws SQLException {
    Map<String, Map<String, Column>> tables = new TreeMap<>();
    String sql = """
        SELECT n.nspname, c.relname, a.attname, coalesce(bt.typname, t.typname),
               format_type(a.atttypid, a.atttypmod), coalesce(nullif(t.typtypmod, -1), a.atttypmod),
               a.attnotnull,
               EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND a.attnum = ANY (i.indkey)),
               a.attgenerated <> '', c.relispartition
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        ORDER BY n.nspname, c.relname, a.attnum""";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String type = rs.getString(4);
        int typmod = rs.getInt(6);
        int max = ("varchar".equals(type) || "bpchar".equals(type)) && typmod > 4 ? typmod - 4 : -1;
        Column col = new Column(rs.getString(1), rs.getString(2), rs.getString(3), type, rs.getString(5), max,
            rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9), rs.getBoolean(10));
        tables.computeIfAbsent(col.qualifiedTable(), k -> new LinkedHashMap<>()).put(col.name(), col);
      }
    }
    return new MaskSchema(tables);
  }

  /** Returns the columns of a table, or empty when there is no such table. */
  Optional<Map<String, Column>> table(String schema, String table) {
    return Optional.ofNullable(tables.get(schema + "." + table));
  }

  /** Returns all tables' columns by {@code schema.table}, sorted. */
  Map<String, Map<String, Column>> tables() {
    return tables;
  }
}
