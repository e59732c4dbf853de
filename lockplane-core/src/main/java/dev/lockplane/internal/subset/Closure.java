package dev.lockplane.internal.subset;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.subset.Catalog.ForeignKey;
import dev.lockplane.internal.subset.Catalog.Table;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The subset's rows, closed under foreign keys: the starting rows of each table and its edge cases,
 * then, until nothing changes, the rows that kept rows reference (and, along the relationships
 * asked for, the rows that reference kept rows). Where the kept rows live — copied into the golden,
 * or marked in a copy of the whole — is the {@link Rows}' business.
 */
final class Closure {
  /** Where kept rows are kept; each method adds only rows not kept yet and returns how many. */
  interface Rows {
    /** Keeps the rows of {@code t} for which a predicate on alias {@code t} holds. */
    long addWhere(Table t, String predicate) throws SQLException;

    /** Keeps the rows of the foreign key's parent that kept rows of its child reference. */
    long addReferenced(ForeignKey fk) throws SQLException;

    /** Keeps the rows of the foreign key's child that reference kept rows of its parent. */
    long addReferencing(ForeignKey fk) throws SQLException;
  }

  private Closure() {}

  static void run(SubsetPlan plan, Rows rows, SubsetReports.Builder report, Consumer<String> progress) {
    for (Table t : plan.rules().keySet()) {
      String root = plan.root(t);
      if (root == null) {
        report.add(t.display(), plan.rules().get(t).describe(), 0);
      } else {
        report.add(t.display(), plan.rules().get(t).describe(), add(t, "the starting rows", () -> rows.addWhere(t, root)));
      }
      String edges = plan.edges(t);
      if (edges != null) {
        report.add(t.display(), "edge cases", add(t, "the edge cases", () -> rows.addWhere(t, edges)));
      }
    }
    // a relationship is followed again only when the side it starts from has gained rows since
    Map<Table, Integer> version = new HashMap<>();
    Map<ForeignKey, Integer> parentsAt = new HashMap<>();
    Map<ForeignKey, Integer> childrenAt = new HashMap<>();
    int round = 0;
    boolean changed = true;
    while (changed) {
      changed = false;
      round++;
      long added = 0;
      for (ForeignKey fk : plan.parents()) {
        int v = version.getOrDefault(fk.child(), 0);
        if (plan.whole(fk.parent()) || Integer.valueOf(v).equals(parentsAt.put(fk, v))) {
          continue;
        }
        long n = add(fk.parent(), "the rows " + fk.display() + " references", () -> rows.addReferenced(fk));
        report.add(fk.parent().display(), "referenced by " + fk.display(), n);
        added += grew(version, fk.parent(), n);
      }
      for (ForeignKey fk : plan.referencing()) {
        int v = version.getOrDefault(fk.parent(), 0);
        if (plan.whole(fk.child()) || Integer.valueOf(v).equals(childrenAt.put(fk, v))) {
          continue;
        }
        long n = add(fk.child(), "the rows that reference kept rows along " + fk.display(), () -> rows.addReferencing(fk));
        report.add(fk.child().display(), "references " + fk.parent().display() + " (" + fk.name() + ")", n);
        added += grew(version, fk.child(), n);
      }
      changed = added > 0;
      if (changed) {
        progress.accept("Subset: round " + round + " of the foreign-key closure kept " + added + " more row(s)");
      }
    }
  }

  private static long grew(Map<Table, Integer> version, Table t, long rows) {
    if (rows > 0) {
      version.merge(t, 1, Integer::sum);
    }
    return rows;
  }

  private interface Step {
    long run() throws SQLException;
  }

  private static long add(Table t, String what, Step step) {
    try {
      return step.run();
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot select " + what + " of table " + t.display()
          + " for the subset: " + e.getMessage() + ". Check the subset's rule for that table.", e);
    }
  }
}
