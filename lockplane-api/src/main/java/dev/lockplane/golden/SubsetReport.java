package dev.lockplane.golden;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a subset kept in a golden: the rows of each table and why (its rule, edge cases, referenced
 * by a foreign key, referencing kept rows), and the tables dropped. Sorted, so the same subset of
 * the same data reports the same text. Free of data values.
 *
 * @param tables rows kept per table ({@code schema.table}), by reason, sorted by table
 * @param dropped the tables dropped ({@code schema.table})
 */
public record SubsetReport(Map<String, Map<String, Long>> tables, List<String> dropped) {

  /** Copies the components. */
  public SubsetReport {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    Objects.requireNonNull(tables, "tables")
        .forEach((t, r) -> copy.put(t, Collections.unmodifiableMap(new LinkedHashMap<>(r))));
    tables = Collections.unmodifiableMap(copy);
    dropped = List.copyOf(Objects.requireNonNull(dropped, "dropped"));
  }

  /**
   * Returns the rows kept in a table.
   *
   * @param table {@code schema.table}
   * @return the rows, 0 for a table not in the report
   */
  public long rows(String table) {
    return tables.getOrDefault(table, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Returns the report as lines of text, one per table, such as
   * {@code s.orders: 120 row(s) (100 sample 10% (seed 7); 20 referenced by s.items)}.
   *
   * @return the lines
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    tables.forEach((t, reasons) -> {
      StringBuilder sb = new StringBuilder(t).append(": ").append(rows(t)).append(" row(s)");
      String sep = " (";
      for (Map.Entry<String, Long> e : reasons.entrySet()) {
        if (e.getValue() > 0) {
          sb.append(sep).append(e.getValue()).append(' ').append(e.getKey());
          sep = "; ";
        }
      }
      out.add(sep.equals("; ") ? sb.append(')').toString() : sb.toString());
    });
    dropped.forEach(t -> out.add(t + ": dropped"));
    return out;
  }
}
