package dev.lockplane.internal.subset;

import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.internal.subset.Catalog.ForeignKey;
import dev.lockplane.internal.subset.Catalog.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * A subset copied row by row from a source server into an empty golden that has the source's
 * tables but not yet its keys or indexes: the rows move with {@code COPY (SELECT …) TO STDOUT} on
 * the source and {@code COPY … FROM STDIN} on the golden, and what kept rows reference but the
 * golden lacks is found in the golden and fetched from the source by key, in batches. The source
 * connection stays in the one snapshot everything is read from.
 */
final class CopiedRows implements Closure.Rows {
  /** Keys per fetch: enough to keep round trips few, few enough to keep each statement small. */
  private static final int BATCH = 10_000;

  private final Connection source;
  private final Connection target;
  private final CopyManager from;
  private final CopyManager to;
  /** Per referencing foreign key, a temporary table of the parent keys whose children were fetched. */
  private final Map<ForeignKey, String> expanded = new HashMap<>();
  private final Map<Table, String> stages = new HashMap<>();

  CopiedRows(Connection source, Connection target) throws SQLException {
    this.source = source;
    this.target = target;
    this.from = source.unwrap(PGConnection.class).getCopyAPI();
    this.to = target.unwrap(PGConnection.class).getCopyAPI();
  }

  @Override
  public long addWhere(Table t, String predicate) throws SQLException {
    return copy("SELECT " + t.copied("t") + " FROM " + t.scan() + " t WHERE " + predicate,
        t.qualified(), t.copied(null));
  }

  @Override
  public long addReferenced(ForeignKey fk) throws SQLException {
    StringBuilder notNull = new StringBuilder();
    for (String col : fk.columns()) {
      notNull.append(" AND c.").append(Identifiers.quote(col)).append(" IS NOT NULL");
    }
    List<String[]> missing = keys("SELECT DISTINCT " + texts("c", fk.columns()) + " FROM " + fk.child().scan()
        + " c WHERE true" + notNull + " AND NOT EXISTS (SELECT 1 FROM " + fk.parent().scan() + " p WHERE "
        + InPlaceRows.match(fk, "c", "p") + ")", fk.columns().size());
    long n = 0;
    Table p = fk.parent();
    for (int i = 0; i < missing.size(); i += BATCH) {
      n += copy("SELECT " + p.copied("t") + " FROM " + p.scan() + " t WHERE "
              + in("t", fk.referenced(), p, missing.subList(i, Math.min(missing.size(), i + BATCH))),
          p.qualified(), p.copied(null));
    }
    return n;
  }

  @Override
  public long addReferencing(ForeignKey fk) throws SQLException {
    Table p = fk.parent();
    Table c = fk.child();
    String done = expanded.get(fk);
    if (done == null) {
      done = "lockplane_expanded_" + expanded.size();
      exec("CREATE TEMPORARY TABLE " + done + " AS SELECT " + cols("p", fk.referenced()) + " FROM " + p.qualified()
          + " p WITH NO DATA");
      expanded.put(fk, done);
    }
    StringBuilder same = new StringBuilder();
    for (String col : fk.referenced()) {
      same.append(same.isEmpty() ? "" : " AND ").append("d.").append(Identifiers.quote(col)).append(" = p.")
          .append(Identifiers.quote(col));
    }
    List<String[]> fresh = keys("INSERT INTO " + done + " SELECT DISTINCT " + cols("p", fk.referenced()) + " FROM "
        + p.scan() + " p WHERE NOT EXISTS (SELECT 1 FROM " + done + " d WHERE " + same + ") RETURNING "
        + texts(done, fk.referenced()), fk.referenced().size());
    String stage = stages.get(c);
    if (stage == null) {
      stage = "lockplane_stage_" + stages.size();
      exec("CREATE TEMPORARY TABLE " + stage + " AS SELECT " + c.copied(null) + " FROM " + c.qualified() + " WITH NO DATA");
      stages.put(c, stage);
    }
    // a child row has one parent key, so the batches of fresh keys fetch distinct rows: only rows
    // kept before this call can come again, and a table with none takes the rows straight in
    boolean empty = keys("SELECT 1 FROM " + c.scan() + " LIMIT 1", 1).isEmpty();
    long n = 0;
    for (int i = 0; i < fresh.size(); i += BATCH) {
      String select = "SELECT " + c.copied("t") + " FROM " + c.scan() + " t WHERE "
          + in("t", fk.columns(), c, fresh.subList(i, Math.min(fresh.size(), i + BATCH)));
      if (empty) {
        n += copy(select, c.qualified(), c.copied(null));
        continue;
      }
      exec("TRUNCATE " + stage);
      stream(select, "COPY " + stage + " FROM STDIN");
      // a referencing row may be kept already (a starting row, or along another relationship)
      try (Statement s = target.createStatement()) {
        n += s.executeUpdate("INSERT INTO " + c.qualified() + " (" + c.copied(null) + ") OVERRIDING SYSTEM VALUE SELECT "
            + c.copied("s") + " FROM " + stage + " s WHERE NOT EXISTS (SELECT 1 FROM " + c.scan() + " x WHERE "
            + sameRow(c) + ")");
      }
      exec("ANALYZE " + c.qualified());
    }
    return n;
  }

  private static String sameRow(Table t) {
    if (t.key().isEmpty()) {
      return "ROW(" + t.copied("x") + ")::text = ROW(" + t.copied("s") + ")::text";
    }
    StringBuilder sb = new StringBuilder();
    for (String k : t.key()) {
      sb.append(sb.isEmpty() ? "" : " AND ").append("x.").append(Identifiers.quote(k)).append(" = s.")
          .append(Identifiers.quote(k));
    }
    return sb.toString();
  }

  /** {@code (t.x, t.y) IN (VALUES ('1'::integer, 'a'::text), …)}, the literals cast to the filtered columns' types. */
  private static String in(String alias, List<String> columns, Table table, List<String[]> keys) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(alias).append('.').append(Identifiers.quote(columns.get(i)));
    }
    sb.append(") IN (VALUES ");
    for (int r = 0; r < keys.size(); r++) {
      sb.append(r == 0 ? "(" : ", (");
      for (int i = 0; i < columns.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(Identifiers.literal(keys.get(r)[i])).append("::")
            .append(table.column(columns.get(i)).type());
      }
      sb.append(')');
    }
    return sb.append(')').toString();
  }

  private static String cols(String alias, List<String> columns) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns) {
      sb.append(sb.isEmpty() ? "" : ", ").append(alias).append('.').append(Identifiers.quote(col));
    }
    return sb.toString();
  }

  private static String texts(String alias, List<String> columns) {
    StringBuilder sb = new StringBuilder();
    for (String col : columns) {
      sb.append(sb.isEmpty() ? "" : ", ").append(alias).append('.').append(Identifiers.quote(col)).append("::text");
    }
    return sb.toString();
  }

  private List<String[]> keys(String sql, int width) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String[] k = new String[width];
        for (int i = 0; i < width; i++) {
          k[i] = rs.getString(i + 1);
        }
        out.add(k);
      }
    }
    return out;
  }

  /**
   * Streams the rows of a query on the source into a {@code COPY FROM STDIN} on the golden, then
   * gives the planner the table's new size for the next round's joins.
   */
  private long copy(String select, String table, String columns) throws SQLException {
    long n = stream(select, "COPY " + table + (columns == null ? "" : " (" + columns + ")") + " FROM STDIN");
    if (n > 0) {
      exec("ANALYZE " + table);
    }
    return n;
  }

  private long stream(String select, String copyIn) throws SQLException {
    CopyOut out = from.copyOut("COPY (" + select + ") TO STDOUT");
    CopyIn in;
    try {
      in = to.copyIn(copyIn);
    } catch (SQLException e) {
      out.cancelCopy();
      throw e;
    }
    try {
      byte[] row;
      while ((row = out.readFromCopy()) != null) {
        in.writeToCopy(row, 0, row.length);
      }
      return in.endCopy();
    } catch (SQLException e) {
      if (in.isActive()) {
        in.cancelCopy();
      }
      if (out.isActive()) {
        out.cancelCopy();
      }
      throw e;
    }
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = target.createStatement()) {
      s.execute(sql);
    }
  }
}
