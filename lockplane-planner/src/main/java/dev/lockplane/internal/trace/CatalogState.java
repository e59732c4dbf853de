package dev.lockplane.internal.trace;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of the catalog of user schemas that the trace rules compare before and after a
 * statement: relations (with their files), columns, constraints and indexes. It is read on the
 * migration's own connection, so it sees the migration's uncommitted changes.
 */
record CatalogState(Map<Long, Rel> relations, Map<String, Att> attributes, Map<Long, Con> constraints,
    Map<Long, Idx> indexes) {

  /** A relation: table, partitioned table, materialized view, view or index. */
  record Rel(long oid, String name, char kind, long filenode, String persistence, long tablespace, long am, long size) {
    boolean sameExceptFiles(Rel o) {
      return name.equals(o.name) && kind == o.kind && persistence.equals(o.persistence)
          && tablespace == o.tablespace && am == o.am;
    }
  }

  /** A column. */
  record Att(long rel, int num, String name, long type, int typmod, boolean notNull, boolean dropped,
      boolean hasDefault, String generated) {}

  /** A constraint. */
  record Con(long oid, long rel, String name, char type, boolean validated, long index, String definition, String keys) {}

  /** An index. */
  record Idx(long oid, long rel, boolean unique, boolean valid) {}

  private static final String USER = " n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

  private static final String RELATIONS = "SELECT c.oid, CASE WHEN n.nspname = 'public' THEN c.relname"
      + " ELSE n.nspname || '.' || c.relname END, c.relkind, c.relfilenode, c.relpersistence, c.reltablespace,"
      + " c.relam, CASE WHEN c.relkind IN ('r', 'm', 'i') THEN pg_relation_size(c.oid) ELSE 0 END"
      + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE c.relkind IN ('r', 'p', 'm', 'v', 'i') AND" + USER;

  private static final String ATTRIBUTES = "SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod,"
      + " a.attnotnull, a.attisdropped, a.atthasdef, a.attgenerated::text FROM pg_attribute a"
      + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE a.attnum > 0 AND c.relkind IN ('r', 'p') AND" + USER;

  private static final String CONSTRAINTS = "SELECT co.oid, co.conrelid, co.conname, co.contype, co.convalidated,"
      + " co.conindid, pg_get_constraintdef(co.oid), array_to_string(co.conkey, ',') FROM pg_constraint co"
      + " JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE" + USER;

  private static final String INDEXES = "SELECT i.indexrelid, i.indrelid, i.indisunique, i.indisvalid FROM pg_index i"
      + " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE" + USER;

  /** Reads the state on a connection (in its current transaction, if any). */
  static CatalogState read(Connection c) throws SQLException {
    Map<Long, Rel> rels = new HashMap<>();
    Map<String, Att> atts = new HashMap<>();
    Map<Long, Con> cons = new HashMap<>();
    Map<Long, Idx> idx = new HashMap<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(RELATIONS)) {
        while (rs.next()) {
          rels.put(rs.getLong(1), new Rel(rs.getLong(1), rs.getString(2), rs.getString(3).charAt(0), rs.getLong(4),
              rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
        }
      }
      try (ResultSet rs = s.executeQuery(ATTRIBUTES)) {
        while (rs.next()) {
          Att a = new Att(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getInt(5), rs.getBoolean(6),
              rs.getBoolean(7), rs.getBoolean(8), Objects.toString(rs.getString(9), ""));
          atts.put(a.rel() + "/" + a.num(), a);
        }
      }
      try (ResultSet rs = s.executeQuery(CONSTRAINTS)) {
        while (rs.next()) {
          cons.put(rs.getLong(1), new Con(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4).charAt(0),
              rs.getBoolean(5), rs.getLong(6), rs.getString(7), Objects.toString(rs.getString(8), "")));
        }
      }
      try (ResultSet rs = s.executeQuery(INDEXES)) {
        while (rs.next()) {
          idx.put(rs.getLong(1), new Idx(rs.getLong(1), rs.getLong(2), rs.getBoolean(3), rs.getBoolean(4)));
        }
      }
    }
    return new CatalogState(rels, atts, cons, idx);
  }

  /** Returns the columns of a relation. */
  List<Att> columnsOf(long rel) {
    List<Att> out = new ArrayList<>();
    attributes.values().forEach(a -> {
      if (a.rel() == rel) {
        out.add(a);
      }
    });
    out.sort((a, b) -> Integer.compare(a.num(), b.num()));
    return out;
  }

  /** Returns the constraints of a relation, keyed by oid. */
  Map<Long, Con> constraintsOf(long rel) {
    Map<Long, Con> out = new HashMap<>();
    constraints.values().forEach(k -> {
      if (k.rel() == rel) {
        out.put(k.oid(), k);
      }
    });
    return out;
  }
}
