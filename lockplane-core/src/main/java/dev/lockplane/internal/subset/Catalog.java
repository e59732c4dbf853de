package dev.lockplane.internal.subset;

import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tables, columns, keys and foreign keys of a database as the subset needs them, read from
 * its catalog. User tables only: system schemas and extension members are left alone.
 */
final class Catalog {
  private static final String USER_RELATIONS = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
      + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
      + " AND d.deptype = 'e')";

  /** A column; {@code generated} columns are computed by the server and never copied. */
  record Column(String name, String type, boolean nullable, boolean generated, boolean varlena) {}

  /** A user table. */
  record Table(String schema, String name, boolean partitioned, List<Column> columns, List<String> key,
      List<String> indexLeads) {
    String qualified() {
      return Identifiers.qualified(schema, name);
    }

    /**
     * The table in a FROM clause: {@code ONLY} for a plain table, whose inheritance children are
     * tables of their own; a partitioned table's rows are in its partitions.
     */
    String scan() {
      return (partitioned ? "" : "ONLY ") + qualified();
    }

    /** The name in reports and messages: {@code schema.table}. */
    String display() {
      return schema + "." + name;
    }

    Column column(String column) {
      return columns.stream().filter(c -> c.name().equals(column)).findFirst().orElse(null);
    }

    /** The columns a copy writes, quoted and comma-separated. */
    String copied(String alias) {
      StringBuilder sb = new StringBuilder();
      for (Column c : columns) {
        if (!c.generated()) {
          sb.append(sb.isEmpty() ? "" : ", ").append(alias == null ? "" : alias + ".").append(Identifiers.quote(c.name()));
        }
      }
      return sb.toString();
    }

    /**
     * A text that identifies a row and orders rows deterministically: the primary key (or first
     * unique key) as text, or the whole row's text for a table without one.
     */
    String identity(String alias) {
      if (key.isEmpty()) {
        return alias + "::text";
      }
      StringBuilder sb = new StringBuilder("ROW(");
      for (int i = 0; i < key.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(alias).append('.').append(Identifiers.quote(key.get(i)));
      }
      return sb.append(")::text").toString();
    }
  }

  /** An ORDER BY list that orders rows deterministically: the key's columns, or the row's text. */
  static String order(Table t, String alias) {
    if (t.key().isEmpty()) {
      return alias + "::text";
    }
    StringBuilder sb = new StringBuilder();
    for (String k : t.key()) {
      sb.append(sb.isEmpty() ? "" : ", ").append(alias).append('.').append(Identifiers.quote(k));
    }
    return sb.toString();
  }

  /** A foreign key from {@code child(columns)} to {@code parent(referenced)}. */
  record ForeignKey(String name, Table child, List<String> columns, Table parent, List<String> referenced,
      String definition) {
    String display() {
      return child.display() + " " + name;
    }
  }

  final Map<String, Table> tables;
  final List<ForeignKey> foreignKeys;

  private Catalog(Map<String, Table> tables, List<ForeignKey> foreignKeys) {
    this.tables = tables;
    this.foreignKeys = foreignKeys;
  }

  static Catalog read(Connection c) throws SQLException {
    Map<Long, Table> byOid = new LinkedHashMap<>();
    Map<Long, String[]> names = new LinkedHashMap<>();
    Map<Long, Boolean> partitioned = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND " + USER_RELATIONS + " ORDER BY 2, 3")) {
      while (rs.next()) {
        names.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)});
        partitioned.put(rs.getLong(1), "p".equals(rs.getString(4)));
      }
    }
    Map<Long, List<Column>> columns = new TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attgenerated <> '',"
            + " t.typlen = -1 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum")) {
      while (rs.next()) {
        if (names.containsKey(rs.getLong(1))) {
          columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Column(
              rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6)));
        }
      }
    }
    Map<Long, List<String>> keys = new TreeMap<>();
    Map<Long, List<String>> leads = new TreeMap<>();
    // the primary key, else the first unique constraint, identifies a row
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT i.indrelid, i.indisprimary, i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL,"
            + " ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o),"
            + " i.indkey[0] <> 0 AND am.amname = 'btree', ic.relname"
            + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
            + " ORDER BY i.indrelid, NOT i.indisprimary, ic.relname")) {
      while (rs.next()) {
        long rel = rs.getLong(1);
        if (!names.containsKey(rel)) {
          continue;
        }
        String[] cols = (String[]) rs.getArray(4).getArray();
        if ((rs.getBoolean(2) || rs.getBoolean(3)) && !keys.containsKey(rel) && cols.length > 0
            && notNull(columns.get(rel), cols)) {
          keys.put(rel, List.of(cols));
        }
        if (rs.getBoolean(5) && cols.length > 0) {
          List<String> l = leads.computeIfAbsent(rel, k -> new ArrayList<>());
          if (!l.contains(cols[0])) {
            l.add(cols[0]);
          }
        }
      }
    }
    Map<String, Table> tables = new TreeMap<>();
    for (Map.Entry<Long, String[]> e : names.entrySet()) {
      long oid = e.getKey();
      Table t = new Table(e.getValue()[0], e.getValue()[1], partitioned.get(oid),
          List.copyOf(columns.getOrDefault(oid, List.of())), keys.getOrDefault(oid, List.of()),
          List.copyOf(leads.getOrDefault(oid, List.of())));
      byOid.put(oid, t);
      tables.put(t.display(), t);
    }
    List<ForeignKey> fks = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT k.conname, k.conrelid, k.confrelid,"
            + " ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY x(n, o)"
            + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.n ORDER BY x.o),"
            + " ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY x(n, o)"
            + " JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.n ORDER BY x.o),"
            + " pg_get_constraintdef(k.oid)"
            + " FROM pg_constraint k WHERE k.contype = 'f' AND k.conparentid = 0 ORDER BY k.conrelid, k.conname")) {
      while (rs.next()) {
        Table child = byOid.get(rs.getLong(2));
        Table parent = byOid.get(rs.getLong(3));
        if (child != null && parent != null) {
          fks.add(new ForeignKey(rs.getString(1), child, List.of((String[]) rs.getArray(4).getArray()), parent,
              List.of((String[]) rs.getArray(5).getArray()), rs.getString(6)));
        }
      }
    }
    fks.sort((a, b) -> a.display().compareTo(b.display()));
    return new Catalog(tables, List.copyOf(fks));
  }

  /** A view or materialized view; {@code materialized} says which. */
  record View(String schema, String name, boolean materialized) {
    String qualified() {
      return Identifiers.qualified(schema, name);
    }

    String display() {
      return schema + "." + name;
    }
  }

  /**
   * Finds the views and materialized views that read the given tables, directly or through other
   * views, in the order they were made.
   */
  static List<View> viewsOn(Connection c, List<Table> tables) throws SQLException {
    if (tables.isEmpty()) {
      return List.of();
    }
    StringBuilder oids = new StringBuilder();
    for (Table t : tables) {
      oids.append(oids.isEmpty() ? "" : ", ").append(Identifiers.literal(t.qualified())).append("::regclass::oid");
    }
    List<View> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "WITH RECURSIVE dep(oid) AS (SELECT unnest(ARRAY[" + oids + "]) UNION SELECT r.ev_class FROM pg_depend d"
            + " JOIN pg_rewrite r ON r.oid = d.objid JOIN dep ON d.refobjid = dep.oid"
            + " WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND r.ev_class <> dep.oid)"
            + " SELECT n.nspname, c.relname, c.relkind = 'm' FROM dep JOIN pg_class c ON c.oid = dep.oid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') ORDER BY c.oid")) {
      while (rs.next()) {
        out.add(new View(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
      }
    }
    return out;
  }

  private static boolean notNull(List<Column> columns, String[] names) {
    for (String n : names) {
      if (columns == null || columns.stream().noneMatch(c -> c.name().equals(n) && !c.nullable())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Finds a table by {@code schema.table} or by a bare name that exactly one schema has.
   *
   * @return the table, or null when there is none
   * @throws IllegalArgumentException naming the schemas when a bare name is ambiguous
   */
  Table find(String name) {
    Table t = tables.get(name);
    if (t != null) {
      return t;
    }
    if (name.contains(".")) {
      String[] p = name.split("\\.", 2);
      return tables.get(Identifiers.unquote(p[0]) + "." + Identifiers.unquote(p[1]));
    }
    List<Table> found = tables.values().stream().filter(x -> x.name().equals(name)).toList();
    if (found.size() > 1) {
      throw new IllegalArgumentException("Table name " + name + " is in several schemas ("
          + found.stream().map(Table::schema).toList() + "); write schema.table");
    }
    return found.isEmpty() ? null : found.get(0);
  }
}
