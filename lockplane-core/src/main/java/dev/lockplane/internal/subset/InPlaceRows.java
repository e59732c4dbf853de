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

/**
 * A subset made in a golden that already holds the whole source: the kept rows are marked by their
 * {@code ctid} in temporary tables of this session (nothing else writes to the private golden, so
 * the ctids stay put), then everything else is deleted in one transaction with the foreign keys
 * dropped and re-added — re-adding validates them, so a subset that broke one fails rather than
 * becoming a golden — and the tables are vacuumed.
 */
final class InPlaceRows implements Closure.Rows {
  private final Connection c;
  private final SubsetPlan plan;
  private final Map<Table, String> keep = new HashMap<>();
  private final List<Catalog.View> views;

  InPlaceRows(Connection c, SubsetPlan plan, List<Catalog.View> views) throws SQLException {
    this.c = c;
    this.plan = plan;
    this.views = views;
    int i = 0;
    for (Table t : plan.rules().keySet()) {
      if (!plan.whole(t)) {
        String k = "lockplane_keep_" + i++;
        exec("CREATE TEMPORARY TABLE " + k + " (id tid PRIMARY KEY)");
        keep.put(t, k);
      }
    }
  }

  /** The kept rows of a table, with alias {@code alias}. */
  private String kept(Table t, String alias) {
    String k = keep.get(t);
    return k == null ? t.scan() + " " + alias
        : t.scan() + " " + alias + " JOIN " + k + " ON " + k + ".id = " + alias + ".ctid";
  }

  private String notKept(Table t, String alias) {
    return "NOT EXISTS (SELECT 1 FROM " + keep.get(t) + " k WHERE k.id = " + alias + ".ctid)";
  }

  @Override
  public long addWhere(Table t, String predicate) throws SQLException {
    if (!keep.containsKey(t)) {
      return count(t);
    }
    return update(keep.get(t), "SELECT t.ctid FROM " + t.scan() + " t WHERE (" + predicate
        + ") AND " + notKept(t, "t"));
  }

  @Override
  public long addReferenced(ForeignKey fk) throws SQLException {
    return update(keep.get(fk.parent()), "SELECT p.ctid FROM " + fk.parent().scan() + " p WHERE "
        + notKept(fk.parent(), "p") + " AND EXISTS (SELECT 1 FROM " + kept(fk.child(), "c") + " WHERE "
        + match(fk, "c", "p") + ")");
  }

  @Override
  public long addReferencing(ForeignKey fk) throws SQLException {
    return update(keep.get(fk.child()), "SELECT c.ctid FROM " + fk.child().scan() + " c WHERE "
        + notKept(fk.child(), "c") + " AND EXISTS (SELECT 1 FROM " + kept(fk.parent(), "p") + " WHERE "
        + match(fk, "c", "p") + ")");
  }

  static String match(ForeignKey fk, String child, String parent) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fk.columns().size(); i++) {
      sb.append(i == 0 ? "" : " AND ").append(child).append('.').append(Identifiers.quote(fk.columns().get(i)))
          .append(" = ").append(parent).append('.').append(Identifiers.quote(fk.referenced().get(i)));
    }
    return sb.toString();
  }

  /**
   * Deletes what is not kept and drops the dropped tables, in one transaction: foreign keys are
   * dropped first (so that neither order nor cycles matter, and no ON DELETE action fires) and
   * re-added after, validated; user triggers on the subset tables do not fire.
   */
  void finish() throws SQLException {
    List<String[]> triggers = new ArrayList<>();
    for (Table t : keep.keySet()) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT tgname FROM pg_trigger WHERE tgrelid = " + Identifiers.literal(t.qualified()) + "::regclass"
              + " AND NOT tgisinternal AND tgenabled <> 'D' ORDER BY tgname")) {
        while (rs.next()) {
          triggers.add(new String[] {t.qualified(), Identifiers.quote(rs.getString(1))});
        }
      }
    }
    c.setAutoCommit(false);
    try {
      // the foreign keys between tables kept whole hold as they are; the others are checked again
      List<ForeignKey> all = plan.catalog().foreignKeys.stream().filter(fk -> keep.containsKey(fk.child())
          || keep.containsKey(fk.parent()) || plan.dropped().contains(fk.child()) || plan.dropped().contains(fk.parent()))
          .toList();
      for (ForeignKey fk : all) {
        exec("ALTER TABLE " + fk.child().qualified() + " DROP CONSTRAINT " + Identifiers.quote(fk.name()));
      }
      for (String[] tg : triggers) {
        exec("ALTER TABLE " + tg[0] + " DISABLE TRIGGER " + tg[1]);
      }
      for (Map.Entry<Table, String> e : keep.entrySet()) {
        exec("DELETE FROM " + e.getKey().scan() + " t WHERE " + notKept(e.getKey(), "t"));
      }
      for (int i = views.size() - 1; i >= 0; i--) {
        exec("DROP " + (views.get(i).materialized() ? "MATERIALIZED VIEW " : "VIEW ") + views.get(i).qualified());
      }
      if (!plan.dropped().isEmpty()) {
        exec("DROP TABLE " + String.join(", ", plan.dropped().stream().map(Table::qualified).toList()));
      }
      for (ForeignKey fk : all) {
        if (!plan.dropped().contains(fk.child())) {
          exec("ALTER TABLE " + fk.child().qualified() + " ADD CONSTRAINT " + Identifiers.quote(fk.name()) + " "
              + fk.definition());
        }
      }
      for (String[] tg : triggers) {
        exec("ALTER TABLE " + tg[0] + " ENABLE TRIGGER " + tg[1]);
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
    // clones copy the golden's files: rewritten, the tables hold only the kept rows, and no
    // deleted row stays in free space; the planner learns their new sizes
    for (Table t : keep.keySet()) {
      exec("VACUUM (FULL, ANALYZE) " + t.qualified());
    }
  }

  private long count(Table t) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t.scan())) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs an insert into a keep table, then gives the planner its new size for the next round's joins. */
  private long update(String keepTable, String select) throws SQLException {
    try (Statement s = c.createStatement()) {
      long n = s.executeUpdate("INSERT INTO " + keepTable + " " + select);
      if (n > 0) {
        s.execute("ANALYZE " + keepTable);
      }
      return n;
    }
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
