package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Before a plan runs: finds the steps that destroy data (dropped tables and columns, SQLite rebuilds
 * that lose columns, steps the catalogue calls lossy) and counts the rows of each affected table in
 * the target. Empty tables may go; rows are lost only with an explicit allowance.
 */
final class DataLossCheck {
  /** Up to this many rows are counted exactly; above, PostgreSQL's estimate is reported. */
  static final long EXACT_LIMIT = 1_000_000;

  private static final int EXACT = 1;
  private static final int ESTIMATE = 0;
  private static final int AT_LEAST = 2;

  /** One affected object and the rows at stake. */
  record Loss(int step, String description, String object, long rows, int how) {
    String toText() {
      String count = switch (how) {
        case EXACT -> String.format(Locale.ROOT, "%,d row%s (exact count)", rows, rows == 1 ? "" : "s");
        case ESTIMATE -> String.format(Locale.ROOT, "about %,d rows (estimate from pg_class.reltuples)", rows);
        default -> String.format(Locale.ROOT, "more than %,d rows (counting stopped there)", rows);
      };
      return "step " + step + " (" + description + "): " + object + " holds " + count;
    }
  }

  private DataLossCheck() {}

  /** Throws {@link ErrorCode#DATA_LOSS} when a step would destroy rows and that is not allowed. */
  static void check(Plan plan, DatabaseSchema before, Connection c, boolean allowed) throws SQLException {
    if (allowed) {
      return;
    }
    List<Loss> losses = find(plan, before, c);
    if (losses.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder("Refusing to apply: the plan destroys data in ")
        .append(losses.size() == 1 ? "an object that holds" : losses.size() + " objects that hold").append(" rows:");
    losses.forEach(l -> b.append("\n  - ").append(l.toText()));
    b.append("\nNothing was changed. If losing these rows is intended, apply with a planner built with "
        + "Lockplane.planner().allowDataLoss(true) (lockplane apply --allow-data-loss). If not, check the desired schema: a missing file or an "
        + "empty directory reads as \"drop everything\".");
    throw new LockplaneException(ErrorCode.DATA_LOSS, b.toString());
  }

  static List<Loss> find(Plan plan, DatabaseSchema before, Connection c) throws SQLException {
    List<Loss> losses = new ArrayList<>();
    Map<String, long[]> counted = new LinkedHashMap<>();
    int n = 0;
    for (Step s : plan.steps()) {
      n++;
      boolean lossy = s.destructive() || (s.risk() != null && s.risk().risk() == RiskClass.LOSSY);
      if (!lossy) {
        continue;
      }
      for (String object : s.objects()) {
        Optional<Table> table = affected(object, before);
        if (table.isEmpty()) {
          continue;
        }
        Table t = table.get();
        long[] rows = counted.get(t.qualifiedName());
        if (rows == null) {
          rows = count(c, before, t);
          counted.put(t.qualifiedName(), rows);
        }
        if (rows[0] > 0) {
          String what = object.startsWith("column ") ? object + " (table " + t.qualifiedName() + ")" : object;
          losses.add(new Loss(n, s.description(), what, rows[0], (int) rows[1]));
        }
      }
    }
    return losses;
  }

  /** The table a step's object ({@code table s.t} or {@code column s.t.c}) lives in, as it is now. */
  private static Optional<Table> affected(String object, DatabaseSchema before) {
    if (object.startsWith("table ")) {
      String name = object.substring("table ".length());
      return before.tables().stream().filter(t -> t.qualifiedName().equals(name)).findFirst();
    }
    if (object.startsWith("column ")) {
      String name = object.substring("column ".length());
      // Match against the model rather than split on dots: names may contain dots.
      return before.tables().stream().filter(t -> t.columns().stream().map(Column::name)
          .anyMatch(col -> name.equals(t.qualifiedName() + "." + col))).findFirst();
    }
    return Optional.empty();
  }

  /** {rows, how: EXACT, ESTIMATE or AT_LEAST}. */
  private static long[] count(Connection c, DatabaseSchema before, Table t) throws SQLException {
    boolean sqlite = before.dialect() == dev.lockplane.schema.Dialect.SQLITE;
    String relation = sqlite ? Identifiers.quote(t.name()) : Identifiers.qualified(t.schema(), t.name());
    if (!sqlite) {
      try (PreparedStatement p = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
        p.setString(1, relation);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next() && rs.getLong(1) >= EXACT_LIMIT) {
            return new long[] {rs.getLong(1), ESTIMATE};
          }
        }
      }
    }
    // Capped, so a table whose statistics were never gathered cannot make the check scan it whole.
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT 1 FROM "
        + relation + " LIMIT " + (EXACT_LIMIT + 1) + ") AS capped")) {
      rs.next();
      long rows = rs.getLong(1);
      return rows > EXACT_LIMIT ? new long[] {EXACT_LIMIT, AT_LEAST} : new long[] {rows, EXACT};
    }
  }
}
