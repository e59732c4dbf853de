package dev.lockplane.internal.mask;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.MaskedColumn;
import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks one table: one UPDATE for the expression rules, one per shuffled column; then rewrites it. */
final class TableMasker {
  private TableMasker() {}

  /**
   * Masks the table's columns (the old row versions stay until {@link #rewrite}).
   *
   * @param c a masking session ({@link Masker#connect})
   * @param rules the table's rules, none of them {@code keep}
   * @return the table's rows
   */
  static long mask(Connection c, MaskSchema schema, List<Map.Entry<MaskedColumn, MaskRule>> rules) throws SQLException {
    MaskedColumn first = rules.get(0).getKey();
    String table = Identifiers.qualified(first.schema(), first.table());
    Map<String, MaskSchema.Column> cols = schema.table(first.schema(), first.table()).orElseThrow();
    List<String> sets = new ArrayList<>();
    List<String> shuffled = new ArrayList<>();
    for (Map.Entry<MaskedColumn, MaskRule> e : rules) {
      MaskSchema.Column col = cols.get(e.getKey().column());
      if (e.getValue() instanceof MaskRule.Shuffle) {
        shuffled.add(col.name());
      } else {
        sets.add(Identifiers.quote(col.name()) + " = " + MaskSql.expression(e.getValue(), col));
      }
    }
    long rows = -1;
    try (Statement s = c.createStatement()) {
      if (!sets.isEmpty()) {
        rows = s.executeLargeUpdate("UPDATE " + table + " SET " + String.join(", ", sets));
      }
      for (String col : shuffled) {
        long n = s.executeLargeUpdate(shuffle(table, Identifiers.quote(col)));
        rows = Math.max(rows, n);
      }
    }
    return Math.max(rows, 0);
  }

  /**
   * Rewrites a masked table into a new file holding only the masked row versions, indexes rebuilt:
   * the old versions and index entries go with the old files. Runs once every table's UPDATE has
   * committed, since a rewrite keeps the row versions that a running transaction may still see.
   *
   * @throws LockplaneException when old row versions stay because something on the server (a long
   *     transaction, a replication slot) still needs them
   */
  static void rewrite(Connection c, String schemaName, String tableName) throws SQLException {
    String table = Identifiers.qualified(schemaName, tableName);
    long kept = 0;
    for (int attempt = 1; attempt <= 5; attempt++) {
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM (FULL, VERBOSE) " + table);
        kept = keptDead(s.getWarnings());
      }
      if (kept == 0) {
        return;
      }
      try {
        Thread.sleep(200L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Rewriting masked table " + table + " kept " + kept
        + " old row version(s) that a transaction or replication slot on the server may still see, so original"
        + " values would stay in the golden's files. End long transactions (and drop stale replication slots)"
        + " on the server, then prepare the golden again.");
  }

  private static final Pattern KEPT = Pattern.compile("(\\d+) dead row versions cannot be removed yet");

  /** The dead row versions a VACUUM FULL VERBOSE reported it had to keep. */
  private static long keptDead(SQLWarning w) {
    long kept = 0;
    for (; w != null; w = w.getNextWarning()) {
      Matcher m = KEPT.matcher(String.valueOf(w.getMessage()));
      while (m.find()) {
        kept += Long.parseLong(m.group(1));
      }
    }
    return kept;
  }

  /**
   * Moves a column's values between rows: rows and values are each ordered by a keyed hash, and
   * the n-th row gets the n-th value.
   */
  private static String shuffle(String table, String col) {
    // a row is (tableoid, ctid): a ctid alone repeats across the partitions of a partitioned table
    return "UPDATE " + table + " AS t SET " + col + " = s.v FROM ("
        + "SELECT r.rel, r.id, v.v FROM (SELECT tableoid AS rel, ctid AS id, row_number() OVER (ORDER BY"
        + " pg_temp.lp_h(tableoid::text || ctid::text, 'shuffle-row'), tableoid, ctid) AS n FROM " + table + ") AS r"
        + " JOIN (SELECT " + col + " AS v, row_number() OVER (ORDER BY pg_temp.lp_h(tableoid::text || ctid::text,"
        + " 'shuffle-value'), tableoid, ctid) AS n FROM " + table + ") AS v ON v.n = r.n) AS s"
        + " WHERE t.tableoid = s.rel AND t.ctid = s.id";
  }
}
