package dev.lockplane.internal.subset;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.golden.Subset;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.internal.subset.Catalog.ForeignKey;
import dev.lockplane.internal.subset.Catalog.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A subset resolved against a source's catalog: each table's starting rows as an SQL predicate on
 * alias {@code t}, the tables dropped, the foreign keys the closure follows. Everything the subset
 * names is checked here, before any row moves, so that a mistake is named up front.
 *
 * @param catalog the source's catalog
 * @param rules the rule of each table that stays, by table
 * @param dropped the tables dropped
 * @param parents the foreign keys between tables that stay (the closure keeps what they reference)
 * @param referencing the foreign keys along which referencing rows are kept too
 * @param edgeCases the edge cases kept
 * @param seed the samples' seed
 */
record SubsetPlan(Catalog catalog, Map<Table, Subset.Rows> rules, List<Table> dropped, List<ForeignKey> parents,
    List<ForeignKey> referencing, java.util.Set<Subset.EdgeCase> edgeCases, long seed) {

  static SubsetPlan resolve(Subset subset, Catalog catalog) {
    Map<Table, Subset.Rows> named = new LinkedHashMap<>();
    for (Map.Entry<String, Subset.Rows> e : subset.tables().entrySet()) {
      Table t = table(catalog, e.getKey(), "rows of table " + e.getKey());
      if (named.put(t, e.getValue()) != null) {
        throw invalid("The subset names table " + t.display() + " twice (as " + e.getKey() + "); name it once.");
      }
      if (e.getValue() instanceof Subset.PerValue pv && t.column(pv.column()) == null) {
        throw invalid("The subset keeps rows per value of column " + pv.column() + " of table " + t.display()
            + ", which has no such column (it has " + t.columns().stream().map(Catalog.Column::name).toList() + ").");
      }
      if (t.partitioned() && !(e.getValue() instanceof Subset.All)) {
        throw new LockplaneException(ErrorCode.UNSUPPORTED, "Table " + t.display() + " is partitioned; a subset keeps"
            + " partitioned tables whole only. Keep it whole, or subset a table that references it.");
      }
    }
    Map<Table, Subset.Rows> rules = new LinkedHashMap<>();
    List<Table> dropped = new ArrayList<>();
    for (Table t : catalog.tables.values()) {
      Subset.Rows r = named.get(t);
      if (r != null) {
        rules.put(t, r);
      } else if (subset.others() == Subset.Others.DROP) {
        dropped.add(t);
      } else {
        rules.put(t, subset.others() == Subset.Others.KEEP || t.partitioned() ? new Subset.All() : new Subset.None());
      }
    }
    List<ForeignKey> parents = new ArrayList<>();
    for (ForeignKey fk : catalog.foreignKeys) {
      boolean childStays = rules.containsKey(fk.child());
      if (childStays && !rules.containsKey(fk.parent())) {
        throw invalid("Table " + fk.child().display() + " stays in the subset and has foreign key " + fk.name() + " to "
            + fk.parent().display() + ", which the subset would drop (other tables: drop). Name "
            + fk.parent().display() + " in the subset (for example with only the rows referenced) so its referenced"
            + " rows are kept.");
      }
      if (childStays) {
        parents.add(fk);
      }
    }
    List<ForeignKey> referencing = new ArrayList<>();
    for (Subset.Referencing r : subset.referencing()) {
      Table child = table(catalog, r.table(), "referencing rows of table " + r.table());
      List<ForeignKey> of = parents.stream().filter(fk -> fk.child().equals(child)
          && (r.constraint().equals("*") || fk.name().equals(r.constraint()))).toList();
      if (of.isEmpty() && !r.constraint().equals("*")) {
        throw invalid("The subset keeps rows of " + child.display() + " that reference kept rows along foreign key "
            + r.constraint() + ", which the table does not have (it has "
            + new TreeSet<>(parents.stream().filter(fk -> fk.child().equals(child)).map(ForeignKey::name).toList())
            + ").");
      }
      if (!rules.containsKey(child)) {
        throw invalid("The subset keeps referencing rows of table " + child.display() + ", which it drops.");
      }
      of.stream().filter(fk -> !referencing.contains(fk)).forEach(referencing::add);
    }
    return new SubsetPlan(catalog, rules, dropped, parents, referencing, subset.edgeCases(), subset.seed());
  }

  private static Table table(Catalog catalog, String name, String what) {
    Table t;
    try {
      t = catalog.find(name);
    } catch (IllegalArgumentException e) {
      throw invalid("The subset's " + what + ": " + e.getMessage() + ".");
    }
    if (t == null) {
      List<String> all = new ArrayList<>(catalog.tables.keySet());
      throw invalid("The subset names table " + name + " (" + what + "), which the golden's source does not have."
          + " Its tables are " + (all.size() > 30 ? all.subList(0, 30) + " …" : all) + ".");
    }
    return t;
  }

  private static LockplaneException invalid(String message) {
    return new LockplaneException(ErrorCode.INVALID_CONFIGURATION, message);
  }

  /** Whether a table keeps all its rows, so the closure adds nothing to it and nothing of it is deleted. */
  boolean whole(Table t) {
    return rules.get(t) instanceof Subset.All;
  }

  /**
   * The predicate on alias {@code t} that picks a table's starting rows, or null when it has none.
   */
  String root(Table t) {
    Subset.Rows r = rules.get(t);
    if (r instanceof Subset.All) {
      return "true";
    }
    if (r instanceof Subset.Where w) {
      return "(" + w.condition() + ")";
    }
    if (r instanceof Subset.Sample s) {
      long perMillion = Math.round(s.percent() * 10_000);
      return "((hashtextextended(" + t.identity("t") + ", " + seed + ") & 9223372036854775807) % 1000000) < " + perMillion;
    }
    if (r instanceof Subset.PerValue pv) {
      return "t.ctid IN (SELECT v.ctid FROM (SELECT x.ctid, row_number() OVER (PARTITION BY x."
          + Identifiers.quote(pv.column()) + " ORDER BY " + Catalog.order(t, "x") + ") AS rn FROM " + t.scan()
          + " x) v WHERE v.rn <= " + pv.rows() + ")";
    }
    return null;
  }

  /**
   * The predicate on alias {@code t} that picks the edge cases of a table that are not among its
   * starting rows, or null when none are asked for it.
   */
  String edges(Table t) {
    Subset.Rows r = rules.get(t);
    if (edgeCases.isEmpty() || r instanceof Subset.All || r instanceof Subset.None) {
      return null;
    }
    List<String> picks = new ArrayList<>();
    String order = Catalog.order(t, "x");
    for (Catalog.Column c : t.columns()) {
      String col = "x." + Identifiers.quote(c.name());
      if (edgeCases.contains(Subset.EdgeCase.NULLS) && c.nullable()) {
        picks.add(pick(t, col + " IS NULL", order));
      }
      if (edgeCases.contains(Subset.EdgeCase.LONGEST) && c.varlena()) {
        picks.add(pick(t, col + " IS NOT NULL", "length(" + col + "::text) DESC, " + order));
      }
      if (edgeCases.contains(Subset.EdgeCase.MIN_MAX) && t.indexLeads().contains(c.name())) {
        picks.add(pick(t, col + " IS NOT NULL", col + " ASC, " + order));
        picks.add(pick(t, col + " IS NOT NULL", col + " DESC, " + order));
      }
    }
    if (picks.isEmpty()) {
      return null;
    }
    return "NOT coalesce(" + root(t) + ", false) AND t.ctid IN (" + String.join(" UNION ", picks) + ")";
  }

  private static String pick(Table t, String where, String order) {
    return "(SELECT x.ctid FROM " + t.scan() + " x WHERE " + where + " ORDER BY " + order + " LIMIT 1)";
  }
}
