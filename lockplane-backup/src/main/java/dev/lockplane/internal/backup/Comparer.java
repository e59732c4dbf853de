package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.CompareReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the tables recorded in a manifest with a live database. Needs no key and no restore: the
 * manifest records row counts and columns at backup time.
 */
public final class Comparer {
  private Comparer() {}

  /** Compares; see {@link dev.lockplane.backup.BackupRepository#compare}. */
  public static CompareReport compare(Manifest m, Connection live, String database) {
    String db = database != null ? database : m.databases().get(0);
    boolean sqlite = m.kind().equals("sqlite");
    String prefix = sqlite ? "" : db + ".";
    Map<String, Manifest.TableInfo> then = new TreeMap<>();
    m.tables().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        then.put(k.substring(prefix.length()), v);
      }
    });
    Map<String, Manifest.TableInfo> now = new TreeMap<>();
    try {
      Map<String, Manifest.TableInfo> read = sqlite ? TableStats.sqlite(live) : TableStats.postgres(live, db);
      read.forEach((k, v) -> now.put(k.substring(prefix.length()), v));
    } catch (SQLException e) {
      throw new BackupException(ErrorCode.DATABASE_ERROR, "Cannot read the live database's tables: " + Redaction.message(e)
          + ". Check the connection and the user's rights.", m.id(), null, Redaction.cause(e));
    }
    List<CompareReport.RowCountDifference> counts = new ArrayList<>();
    List<String> onlyBackup = new ArrayList<>();
    List<String> onlyLive = new ArrayList<>();
    List<CompareReport.ColumnDifference> cols = new ArrayList<>();
    for (String t : new TreeSet<>(then.keySet())) {
      Manifest.TableInfo a = then.get(t);
      Manifest.TableInfo b = now.get(t);
      if (b == null) {
        onlyBackup.add(t);
        continue;
      }
      if (a.counted() && a.rows() != b.rows()) {
        counts.add(new CompareReport.RowCountDifference(t, a.rows(), b.rows()));
      }
      if (!a.columns().equals(b.columns())) {
        cols.add(new CompareReport.ColumnDifference(t, a.columns(), b.columns()));
      }
    }
    for (String t : now.keySet()) {
      if (!then.containsKey(t)) {
        onlyLive.add(t);
      }
    }
    return new CompareReport(m.id(), db, counts, onlyBackup, onlyLive, cols);
  }
}
