package dev.lockplane.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What restoring a live database to a recovery target would lose: the target is recovered into a
 * private copy, and each of the live database's tables is compared with the copy — by primary key
 * where the table has one (rows inserted, updated and deleted after the target), else by counting
 * identical rows (rows that appeared and disappeared). Nothing is written to the live database.
 *
 * @param plan the backup and WAL the recovered copy was made from
 * @param database the compared database
 * @param lastTransaction the commit time of the last transaction in the recovered copy, or
 *     {@code null} when none was replayed after the base backup
 * @param tables one entry per table of either side, ordered by schema and name
 * @param transactionIdsAfter how many transaction ids the live server assigned after the target (each
 *     write transaction takes one; aborted ones count too), or {@code null} when the live server
 *     cannot be shown to be the backed-up one or does not say
 * @param archivedCommitsAfter how many transactions committed after the target according to the
 *     commit records of the archived WAL (on the whole server, up to the newest archived segment;
 *     what the live server has not archived yet is not counted), or {@code null} when the target is
 *     the latest archived state or the archived WAL cannot be read
 */
public record LossEstimate(RecoveryPlan plan, String database, Instant lastTransaction, List<TableLoss> tables,
    Long transactionIdsAfter, Long archivedCommitsAfter) {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** Copies the tables. */
  public LossEstimate {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(database, "database");
    tables = List.copyOf(tables);
  }

  /**
   * An estimate without the count from the archived WAL.
   *
   * @param plan the backup and WAL the recovered copy was made from
   * @param database the compared database
   * @param lastTransaction the commit time of the last transaction in the recovered copy, or {@code null}
   * @param tables one entry per table of either side
   * @param transactionIdsAfter transaction ids the live server assigned after the target, or {@code null}
   */
  public LossEstimate(RecoveryPlan plan, String database, Instant lastTransaction, List<TableLoss> tables,
      Long transactionIdsAfter) {
    this(plan, database, lastTransaction, tables, transactionIdsAfter, null);
  }

  /** Returns the rows inserted after the target, over all tables. */
  public long rowsInserted() {
    return tables.stream().mapToLong(TableLoss::inserted).sum();
  }

  /** Returns the rows updated after the target, over all tables. */
  public long rowsUpdated() {
    return tables.stream().mapToLong(TableLoss::updated).sum();
  }

  /** Returns the rows deleted after the target (a restore brings them back), over all tables. */
  public long rowsDeleted() {
    return tables.stream().mapToLong(TableLoss::deleted).sum();
  }

  /** Returns every row change a restore would undo: inserted, updated and deleted rows. */
  public long rowsChanged() {
    return rowsInserted() + rowsUpdated() + rowsDeleted();
  }

  /** Returns the tables with changes after the target, the most changed first. */
  public List<TableLoss> changedTables() {
    List<TableLoss> out = new ArrayList<>(tables.stream().filter(t -> t.changed() > 0 || t.comparison() != Comparison.PRIMARY_KEY
        && t.comparison() != Comparison.ROW_COUNTS).toList());
    out.sort((a, b) -> a.changed() != b.changed() ? Long.compare(b.changed(), a.changed()) : a.qualifiedName().compareTo(b.qualifiedName()));
    return out;
  }

  /**
   * Says what a restore would lose, one line per changed table, such as {@code restoring to
   * 2026-11-30 10:15:00Z loses 1,243 rows in public.orders written after it (1,200 inserted, 43
   * updated)}.
   *
   * @return the lines; the first sums it up
   */
  public List<String> describe() {
    String to = plan.target() instanceof RecoveryTarget.Time t ? WHEN.format(t.time()) : plan.target().describe();
    List<String> lines = new ArrayList<>();
    List<TableLoss> changed = changedTables();
    if (changed.isEmpty()) {
      lines.add("restoring " + database + " to " + to + " loses nothing: every table holds the same rows as at the target");
    } else {
      lines.add("restoring " + database + " to " + to + " undoes " + count(rowsChanged()) + (rowsChanged() == 1 ? " row change in " : " row changes in ")
          + changed.size() + (changed.size() == 1 ? " table" : " tables") + " made after it (" + count(rowsInserted())
          + " inserted, " + count(rowsUpdated()) + " updated, " + count(rowsDeleted()) + " deleted)");
    }
    if (transactionIdsAfter != null) {
      lines.add("the live server assigned " + count(transactionIdsAfter) + " transaction ids after the target (write"
          + " transactions, aborted ones included)");
    }
    if (archivedCommitsAfter != null) {
      lines.add("the archived WAL holds " + count(archivedCommitsAfter) + (archivedCommitsAfter == 1 ? " transaction" : " transactions")
          + " committed after the target (on the whole server, as far as it is archived)");
    }
    for (TableLoss t : changed) {
      lines.add(t.describe(to));
    }
    return lines;
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String rows(long n) {
    return count(n) + (n == 1 ? " row" : " rows");
  }

  /** How a table was compared. */
  public enum Comparison {
    /** Row by row, matched by primary key: inserts, updates and deletes are told apart. */
    PRIMARY_KEY,
    /** The table has no primary key: identical rows are counted, so an update shows as one row in and one out. */
    ROW_COUNTS,
    /** The table exists only in the live database: it was created after the target. */
    ONLY_LIVE,
    /** The table exists only at the target: it was dropped after it. */
    ONLY_RECOVERED,
    /** The table could not be read (the message says why); nothing is known of it. */
    UNREADABLE
  }

  /**
   * One table's changes after the target.
   *
   * @param schema the schema
   * @param table the table
   * @param comparison how it was compared
   * @param liveRows its rows in the live database
   * @param recoveredRows its rows at the target
   * @param inserted rows in the live database and not at the target (by primary key; or, without one,
   *     how many more copies of a row the live database holds)
   * @param updated rows whose primary key is in both but whose values differ (compared over the
   *     columns both sides have); always 0 without a primary key
   * @param deleted rows at the target and no longer in the live database: a restore brings them back
   * @param note why the table could not be compared, or which columns only one side has; else {@code null}
   */
  public record TableLoss(String schema, String table, Comparison comparison, long liveRows, long recoveredRows,
      long inserted, long updated, long deleted, String note) {
    /** Checks the names. */
    public TableLoss {
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(comparison, "comparison");
    }

    /** Returns {@code schema.table}. */
    public String qualifiedName() {
      return schema + "." + table;
    }

    /** Returns the row changes a restore would undo. */
    public long changed() {
      return inserted + updated + deleted;
    }

    String describe(String to) {
      String name = qualifiedName();
      return switch (comparison) {
        case ONLY_LIVE -> "restoring to " + to + " loses " + name + ", created after it (" + rows(liveRows) + ")";
        case ONLY_RECOVERED -> "restoring to " + to + " brings back " + name + ", dropped after it (" + rows(recoveredRows) + ")";
        case UNREADABLE -> "cannot compare " + name + ": " + note;
        default -> {
          String written = rows(inserted + updated) + " in " + name + " written after it";
          String detail = comparison == Comparison.PRIMARY_KEY ? count(inserted) + " inserted, " + count(updated) + " updated"
              : "no primary key: rows counted, an update counts as one row in and one out";
          String s = "restoring to " + to + " loses " + written + " (" + detail + ")";
          if (deleted > 0) {
            s += " and brings back " + count(deleted) + " deleted after it";
          }
          yield note == null ? s : s + "; " + note;
        }
      };
    }
  }
}
