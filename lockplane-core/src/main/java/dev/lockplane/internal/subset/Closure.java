package dev.lockplane.internal.subset;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.subset.Catalog.ForeignKey;
import dev.lockplane.internal.subset.Catalog.Table;
import java.sql.SQLException;
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

  static void run(SubsetPlan plan, Rows rows, SubsetReport.Builder report, Consumer<String> progress) {
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
    int round = 0;
    boolean changed = true;
    while (changed) {
      changed = false;
      round++;
      long added = 0;
      for (ForeignKey fk : plan.parents()) {
        if (plan.whole(fk.parent())) {
          continue;
        }
        long n = add(fk.parent(), "the rows " + fk.display() + " references", () -> rows.addReferenced(fk));
        report.add(fk.parent().display(), "referenced by " + fk.display(), n);
        added += n;
      }
      for (ForeignKey fk : plan.referencing()) {
        if (plan.whole(fk.child())) {
          continue;
        }
        long n = add(fk.child(), "the rows that reference kept rows along " + fk.display(), () -> rows.addReferencing(fk));
        report.add(fk.child().display(), "references " + fk.parent().display() + " (" + fk.name() + ")", n);
        added += n;
      }
      changed = added > 0;
      if (changed) {
        progress.accept("Subset: round " + round + " of the foreign-key closure kept " + added + " more row(s)");
      }
    }
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
