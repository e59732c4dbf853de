package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.TableRows;
import dev.lockplane.internal.backup.TableRows.Key;
import dev.lockplane.internal.backup.TableRows.Shape;
import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a backup's content with the live database, and merges rows of chosen tables back from it:
 * the data half of a rollback through a backup. Both sides are plain JDBC connections (PostgreSQL or
 * SQLite): the live database and a copy of the backup restored for the occasion (a clone, a restored
 * server, a restored SQLite file). Rows are matched by primary key; tables are named {@code
 * schema.table} on PostgreSQL and {@code table} on SQLite.
 *
 * <pre>{@code
 * List<TableRestore.Written> since = TableRestore.writtenSince(restoredCopy, live);
 * TableRestore.merge(restoredCopy, live, List.of(TableRestore.Restore.columns("orders", List.of("discount"))));
 * }</pre>
 *
 * <p>Rows are read into memory, table by table: meant for the tables a migration touched, not for a
 * whole large database.
 */
public final class TableRestore {
  private TableRestore() {}

  /**
   * The rows of one table written since the backup: restoring the backup over it loses them.
   *
   * @param table the table
   * @param inserted rows in the live table whose key the backup lacks
   * @param updated rows whose values in the columns both sides have differ
   * @param deleted rows in the backup whose key the live table lacks
   */
  public record Written(String table, long inserted, long updated, long deleted) {
    /** Returns the number of rows written since the backup. */
    public long total() {
      return inserted + updated + deleted;
    }

    /** Returns e.g. {@code orders: 3 inserted, 1 updated, 0 deleted}. */
    public String toText() {
      return String.format(Locale.ROOT, "%s: %,d inserted, %,d updated, %,d deleted", table, inserted, updated, deleted);
    }
  }

  /**
   * What to restore in one table.
   *
   * @param table the table, as the live database names it
   * @param columns the live columns whose values come back from the backup for rows both sides have;
   *     empty to restore whole rows (a table the migration dropped, re-created empty)
   * @param renamedFrom live column → its name in the backup, for columns renamed since (the plan's
   *     rename hints); other columns are matched by name
   */
  public record Restore(String table, List<String> columns, Map<String, String> renamedFrom) {
    /** Validates and copies the record. */
    public Restore {
      Objects.requireNonNull(table, "table");
      columns = List.copyOf(columns);
      renamedFrom = Map.copyOf(renamedFrom);
    }

    /**
     * Restores whole rows: every backup row whose key the live table lacks is inserted; columns the
     * backup lacks take their defaults.
     *
     * @param table the table
     * @return the restore
     */
    public static Restore rows(String table) {
      return new Restore(table, List.of(), Map.of());
    }

    /**
     * Restores the values of some columns in the rows both sides have.
     *
     * @param table the table
     * @param columns the columns
     * @return the restore
     */
    public static Restore columns(String table, List<String> columns) {
      return new Restore(table, columns, Map.of());
    }
  }

  /**
   * What a merge did in one table.
   *
   * @param table the table
   * @param rowsInserted whole rows inserted from the backup
   * @param valuesRestored column values written from the backup
   * @param rowsGoneSince backup rows left out because the live table no longer has them (deleted since)
   * @param rowsNewSince live rows the backup does not have (inserted since), left as they are
   */
  public record Merged(String table, long rowsInserted, long valuesRestored, long rowsGoneSince, long rowsNewSince) {
    /** Returns one line for a person. */
    public String toText() {
      return String.format(Locale.ROOT, "%s: %,d rows inserted, %,d values restored; %,d rows deleted since and %,d "
          + "inserted since left as they are", table, rowsInserted, valuesRestored, rowsGoneSince, rowsNewSince);
    }
  }

  /**
   * Counts, table by table, the rows written to the live database since the backup: tables both sides
   * have and that have a primary key, compared on the columns both have. Lockplane's own history table
   * is left out.
   *
   * @param backup a connection to the backup's restored copy
   * @param live a connection to the live database
   * @return one entry per table with writes, sorted by table
   */
  public static List<Written> writtenSince(Connection backup, Connection live) {
    return writtenSince(backup, live, Map.of());
  }

  /**
   * Counts the rows written since the backup like {@link #writtenSince(Connection, Connection)}, with
   * the columns whose type a migration changed compared after the same conversion: the backup's value
   * is converted to the live column's type by the backup's server ({@code CAST(c AS type)}, the cast
   * the planner writes), so that a row the migration only converted does not count as written. A
   * table whose conversion the backup's server cannot make (a type the migration created) is compared
   * without those columns.
   *
   * @param backup a connection to the backup's restored copy
   * @param live a connection to the live database
   * @param conversions table (as {@code schema.table}) → column → the live column's SQL type
   * @return one entry per table with writes, sorted by table
   */
  public static List<Written> writtenSince(Connection backup, Connection live, Map<String, Map<String, String>> conversions) {
    try {
      List<Written> out = new ArrayList<>();
      for (String table : tables(backup)) {
        Shape b = TableRows.shape(backup, table);
        Shape l = TableRows.shape(live, table);
        if (l == null || b.key().isEmpty() || !l.key().equals(b.key())) {
          continue;
        }
        List<String> common = b.columns().keySet().stream().filter(l.columns()::containsKey)
            .filter(c -> !b.key().contains(c)).toList();
        Map<String, String> casts = conversions.getOrDefault(table, Map.of());
        Map<Key, List<Object>> converted;
        try {
          converted = TableRows.read(backup, b, common, casts);
        } catch (SQLException e) {
          if (casts.isEmpty()) {
            throw e;
          }
          common = common.stream().filter(c -> !casts.containsKey(c)).toList();
          converted = TableRows.read(backup, b, common);
        }
        Map<Key, List<Object>> before = converted;
        Map<Key, List<Object>> now = TableRows.read(live, l, common);
        long inserted = now.keySet().stream().filter(k -> !before.containsKey(k)).count();
        long deleted = before.keySet().stream().filter(k -> !now.containsKey(k)).count();
        long updated = 0;
        for (Map.Entry<Key, List<Object>> e : before.entrySet()) {
          List<Object> n = now.get(e.getKey());
          if (n != null && !sameRow(e.getValue(), n)) {
            updated++;
          }
        }
        if (inserted + updated + deleted > 0) {
          out.add(new Written(table, inserted, updated, deleted));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot compare the backup with the live database: "
          + e.getMessage(), e);
    }
  }

  /**
   * Merges rows from the backup into the live database, in the live database's current schema, in one
   * transaction. A value is restored only where the live row holds no value written since (null or
   * the column's default); a live value that differs from the backup's is a conflict. Any conflict
   * rolls everything back and is reported row by row ({@link ErrorCode#MERGE_CONFLICT}): nothing is
   * half-merged.
   *
   * @param backup a connection to the backup's restored copy
   * @param live a connection to the live database (left in autocommit mode)
   * @param restores what to restore
   * @return what was merged, per table
   * @throws LockplaneException {@code MERGE_CONFLICT} listing the conflicting rows; {@code NOT_FOUND}
   *     for a table or column one side lacks; {@code UNSUPPORTED} for a table without a primary key
   */
  public static List<Merged> merge(Connection backup, Connection live, List<Restore> restores) {
    List<String> conflicts = new ArrayList<>();
    List<Merged> out = new ArrayList<>();
    try {
      live.setAutoCommit(false);
      try {
        for (Restore r : restores) {
          out.add(mergeOne(backup, live, r, conflicts));
        }
        if (!conflicts.isEmpty()) {
          live.rollback();
          int shown = Math.min(conflicts.size(), 50);
          throw new LockplaneException(ErrorCode.MERGE_CONFLICT, "Nothing was merged: " + conflicts.size() + " row"
              + (conflicts.size() == 1 ? "" : "s") + " of the live database hold values written since the backup "
              + "that differ from the backup's:\n  - " + String.join("\n  - ", conflicts.subList(0, shown))
              + (shown < conflicts.size() ? "\n  - … and " + (conflicts.size() - shown) + " more" : "")
              + "\nDecide row by row (restore the backup into a clone to look at it), or restore whole.");
        }
        live.commit();
        return out;
      } catch (SQLException | RuntimeException e) {
        live.rollback();
        throw e;
      } finally {
        live.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Nothing was merged: " + e.getMessage(), e);
    }
  }

  private static Merged mergeOne(Connection backup, Connection live, Restore r, List<String> conflicts)
      throws SQLException {
    Shape l = TableRows.shape(live, r.table());
    if (l == null) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "The live database has no table " + r.table() + " to restore into.");
    }
    Shape b = TableRows.shape(backup, r.table());
    if (b == null) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "The backup has no table " + r.table() + ".");
    }
    boolean whole = r.columns().isEmpty();
    List<String> liveCols = whole ? l.columns().keySet().stream().filter(c -> !l.key().contains(c))
        .filter(c -> b.columns().containsKey(r.renamedFrom().getOrDefault(c, c))).toList() : r.columns();
    List<String> backupCols = new ArrayList<>();
    for (String c : liveCols) {
      String from = r.renamedFrom().getOrDefault(c, c);
      if (!l.columns().containsKey(c) || !b.columns().containsKey(from)) {
        throw new LockplaneException(ErrorCode.NOT_FOUND, "Cannot restore " + r.table() + "." + c + ": "
            + (l.columns().containsKey(c) ? "the backup has no column " + from : "the live table has no such column") + ".");
      }
      backupCols.add(from);
    }
    Map<Key, List<Object>> before = TableRows.read(backup, b, backupCols);
    Map<Key, List<Object>> now = TableRows.read(live, l, liveCols);
    List<Object> defaults = defaults(live, l, liveCols);
    long inserted = 0;
    long restored = 0;
    long gone = 0;
    String keyCols = String.join(", ", l.key());
    try (PreparedStatement insert = live.prepareStatement(insertSql(r.table(), l.key(), liveCols))) {
      for (Map.Entry<Key, List<Object>> e : before.entrySet()) {
        List<Object> n = now.get(e.getKey());
        if (n == null) {
          if (!whole) {
            gone++;
            continue;
          }
          int i = 1;
          for (Object k : e.getKey().values()) {
            insert.setObject(i++, k);
          }
          for (Object v : e.getValue()) {
            insert.setObject(i++, v);
          }
          insert.executeUpdate();
          inserted++;
          continue;
        }
        List<String> set = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int c = 0; c < liveCols.size(); c++) {
          Object was = e.getValue().get(c);
          Object is = n.get(c);
          if (TableRows.same(was, is)) {
            continue;
          }
          if (!whole && (is == null || TableRows.same(is, defaults.get(c)))) {
            set.add(liveCols.get(c));
            values.add(was);
          } else {
            conflicts.add(r.table() + " (" + keyCols + ") = " + e.getKey() + ": " + liveCols.get(c) + " is "
                + TableRows.show(is) + " in the live database, " + TableRows.show(was) + " in the backup");
          }
        }
        if (!set.isEmpty()) {
          update(live, l, set, values, e.getKey());
          restored += set.size();
        }
      }
    }
    long newSince = now.keySet().stream().filter(k -> !before.containsKey(k)).count();
    return new Merged(r.table(), inserted, restored, gone, newSince);
  }

  private static String insertSql(String table, List<String> key, List<String> cols) {
    List<String> all = new ArrayList<>(key);
    all.addAll(cols);
    return "INSERT INTO " + TableRows.sqlName(table) + " (" + String.join(", ", all.stream().map(Identifiers::quote)
        .toList()) + ") VALUES (" + String.join(", ", all.stream().map(c -> "?").toList()) + ")";
  }

  private static void update(Connection live, Shape l, List<String> set, List<Object> values, Key key)
      throws SQLException {
    String sql = "UPDATE " + TableRows.sqlName(l.table()) + " SET " + String.join(", ", set.stream()
        .map(c -> Identifiers.quote(c) + " = ?").toList()) + " WHERE " + String.join(" AND ", l.key().stream()
        .map(c -> Identifiers.quote(c) + " = ?").toList());
    try (PreparedStatement p = live.prepareStatement(sql)) {
      int i = 1;
      for (Object v : values) {
        p.setObject(i++, v);
      }
      for (Object k : key.values()) {
        p.setObject(i++, k);
      }
      p.executeUpdate();
    }
  }

  /**
   * Each column's default value, evaluated on the live database: a value equal to it was not written
   * since the column came back. Sequence defaults and volatile ones count as none.
   */
  private static List<Object> defaults(Connection live, Shape l, List<String> cols) throws SQLException {
    List<Object> out = new ArrayList<>();
    for (String c : cols) {
      String def = l.columns().get(c);
      Object v = null;
      if (def != null && !def.contains("nextval(") && !def.toLowerCase(Locale.ROOT).contains("now()")
          && !def.toLowerCase(Locale.ROOT).contains("current_")) {
        try (Statement s = live.createStatement(); ResultSet rs = s.executeQuery("SELECT " + def)) {
          v = rs.next() ? rs.getObject(1) : null;
        }
      }
      out.add(v);
    }
    return out;
  }

  private static boolean sameRow(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!TableRows.same(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The user tables of a database, without Lockplane's own. */
  private static List<String> tables(Connection c) throws SQLException {
    boolean sqlite = BackupSchemaState.isSqlite(c);
    String sql = sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        + "AND name <> 'lockplane_history' ORDER BY name"
        : "SELECT n.nspname || '.' || t.relname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
            + "WHERE t.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'lockplane') "
            + "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1";
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
