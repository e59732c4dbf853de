package dev.lockplane.internal.clone;

import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the recycler knows of a golden, read once from an untouched copy of it: its tables (with
 * their files, columns and sizes, and the tables whose foreign keys point at them), its sequences'
 * values, and the catalog tables whose writes mean a schema change.
 *
 * @param snapshot the golden
 * @param tables the user tables and materialized views by oid
 * @param referencing for each table, the tables with a foreign key to it (leaf partitions)
 * @param sequences the sequences, in a fixed order
 * @param sequenceQuery one query reading every sequence's {@code last_value} and {@code is_called}, or null
 * @param bytes the golden's size
 * @param counted the catalog tables whose row counters reveal schema changes, as a SQL list of oids
 *     (all of this database's catalogs but {@code pg_class}, whose rows {@code TRUNCATE} updates)
 * @param classes a hash of {@code pg_class} without the columns {@code TRUNCATE} and {@code VACUUM} change
 */
record GoldenState(
    Snapshot snapshot, Map<Long, Table> tables, Map<Long, Set<Long>> referencing, List<Sequence> sequences,
    String sequenceQuery, long bytes, String counted, String classes) {

  /** The hash of {@code pg_class} that changes with any DDL on a relation, but not with its file or statistics. */
  static final String CLASSES = "SELECT md5(string_agg(concat_ws(' ', oid, relname, relnamespace, reltype, relowner,"
      + " relam, reltablespace, reltoastrelid, relisshared, relpersistence, relkind, relnatts, relchecks, relhasrules,"
      + " relhastriggers, relrowsecurity, relforcerowsecurity, relispopulated, relreplident, relispartition,"
      + " relacl, reloptions, relpartbound), ',' ORDER BY oid)) FROM pg_class";

  /**
   * A user table or materialized view.
   *
   * @param oid its oid
   * @param name its qualified, quoted name
   * @param kind {@code r} or {@code m}
   * @param file its relfilenode in the golden
   * @param columns its stored, non-generated columns, quoted and comma-separated
   * @param bytes its size with indexes and TOAST
   */
  record Table(long oid, String name, char kind, long file, String columns, long bytes) {}

  /**
   * A sequence and its state in the golden.
   *
   * @param name its qualified, quoted name
   * @param lastValue {@code last_value}
   * @param called {@code is_called}
   */
  record Sequence(String name, long lastValue, boolean called) {}

  /** The relations of a database that belong to its user: not catalogs, not TOAST, not temporary. */
  static final String USER_RELATIONS = "c.relnamespace NOT IN ('pg_catalog'::regnamespace,"
      + " 'information_schema'::regnamespace, 'pg_toast'::regnamespace) AND c.relpersistence <> 't'";

  /**
   * Reads the state of a copy of the golden that nobody changed.
   *
   * @param c a connection to the copy
   * @param snapshot the golden it copies
   * @return the state
   * @throws SQLException on failure
   */
  static GoldenState read(Connection c, Snapshot snapshot) throws SQLException {
    Map<Long, Table> tables = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind,"
            + " c.relfilenode, pg_total_relation_size(c.oid),"
            + " (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a"
            + "   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'm') AND " + USER_RELATIONS)) {
      while (rs.next()) {
        tables.put(rs.getLong(1), new Table(rs.getLong(1), rs.getString(2), rs.getString(3).charAt(0), rs.getLong(4),
            rs.getString(6) == null ? "" : rs.getString(6), rs.getLong(5)));
      }
    }
    Map<Long, Set<Long>> referencing = new HashMap<>();
    // foreign keys, with a partitioned side expanded to its leaf partitions (the tables TRUNCATE checks)
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT l.relid, r.relid FROM pg_constraint k"
            + " CROSS JOIN LATERAL pg_partition_tree(k.confrelid) l CROSS JOIN LATERAL pg_partition_tree(k.conrelid) r"
            + " WHERE k.contype = 'f' AND l.isleaf AND r.isleaf")) {
      while (rs.next()) {
        referencing.computeIfAbsent(rs.getLong(1), k -> new LinkedHashSet<>()).add(rs.getLong(2));
      }
    }
    List<Sequence> sequences = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND " + USER_RELATIONS
            + " ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    String sequenceQuery = sequenceQuery(names);
    if (sequenceQuery != null) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sequenceQuery)) {
        while (rs.next()) {
          sequences.add(new Sequence(names.get(rs.getInt(1)), rs.getLong(2), rs.getBoolean(3)));
        }
      }
      sequences.sort(java.util.Comparator.comparingInt(q -> names.indexOf(q.name())));
    }
    long bytes;
    String counted;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database()),"
            // statistics (ANALYZE, autovacuum) and the server-wide catalogs (every CREATE DATABASE
            // on the server writes pg_database) do not describe this database's schema
            + " (SELECT string_agg(c.oid::text, ',') FROM pg_class c WHERE c.relkind IN ('r', 't')"
            + "   AND (c.relnamespace = 'pg_catalog'::regnamespace OR c.oid IN (SELECT reltoastrelid FROM pg_class"
            + "     WHERE relnamespace = 'pg_catalog'::regnamespace)) AND NOT c.relisshared"
            + "   AND c.oid NOT IN ('pg_catalog.pg_statistic'::regclass, 'pg_catalog.pg_statistic_ext_data'::regclass,"
            + "     'pg_catalog.pg_class'::regclass)"
            + "   AND c.oid NOT IN (SELECT reltoastrelid FROM pg_class WHERE oid IN"
            + "     ('pg_catalog.pg_statistic'::regclass, 'pg_catalog.pg_statistic_ext_data'::regclass)))")) {
      rs.next();
      bytes = rs.getLong(1);
      counted = rs.getString(2);
    }
    String classes;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(CLASSES)) {
      rs.next();
      classes = rs.getString(1);
    }
    return new GoldenState(snapshot, Map.copyOf(tables), Map.copyOf(referencing), List.copyOf(sequences),
        sequenceQuery, bytes, counted, classes);
  }

  private static String sequenceQuery(List<String> names) {
    if (names.isEmpty()) {
      return null;
    }
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(", last_value, is_called FROM ")
          .append(names.get(i));
    }
    return sql.toString();
  }

  /**
   * The tables to empty and reload together so that {@code TRUNCATE} accepts them: the changed ones
   * and, transitively, every table with a foreign key to one of them.
   *
   * @param changed the changed tables
   * @return the closure
   */
  Set<Long> closure(Set<Long> changed) {
    Set<Long> all = new LinkedHashSet<>(changed);
    List<Long> todo = new ArrayList<>(changed);
    while (!todo.isEmpty()) {
      for (Long r : referencing.getOrDefault(todo.remove(todo.size() - 1), Set.of())) {
        if (all.add(r)) {
          todo.add(r);
        }
      }
    }
    return all;
  }

  /** Quotes a sequence name for {@code setval}'s regclass argument. */
  static String regclass(String quotedName) {
    return Identifiers.literal(quotedName) + "::regclass";
  }
}
