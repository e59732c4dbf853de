package dev.lockplane.internal.subset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a subset kept: the rows of each table and why (its rule, edge cases, referenced by a
 * foreign key, referencing kept rows), and the tables dropped. Sorted, so the same subset of the
 * same data reports the same text.
 *
 * @param tables rows kept per table, by reason, sorted by table
 * @param dropped the tables dropped
 */
public record SubsetReport(Map<String, Map<String, Long>> tables, List<String> dropped) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the components. */
  public SubsetReport {
    Map<String, Map<String, Long>> copy = new TreeMap<>();
    tables.forEach((t, r) -> copy.put(t, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(r))));
    tables = java.util.Collections.unmodifiableMap(copy);
    dropped = List.copyOf(dropped);
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
   * Returns the report as lines of text, one per table.
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

  /**
   * Returns the report as JSON with sorted keys: {@code {"dropped": [...], "tables": {"s.t": {"reason": rows}}}}.
   *
   * @return the JSON text
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode d = root.putArray("dropped");
    dropped.forEach(d::add);
    ObjectNode t = root.putObject("tables");
    tables.forEach((table, reasons) -> {
      ObjectNode r = t.putObject(table);
      new TreeMap<>(reasons).forEach(r::put);
    });
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a report written by {@link #toJson()}.
   *
   * @param json the JSON text
   * @return the report
   * @throws IllegalArgumentException when the text is not such a report
   */
  public static SubsetReport fromJson(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      List<String> dropped = new ArrayList<>();
      root.path("dropped").forEach(n -> dropped.add(n.asText()));
      Map<String, Map<String, Long>> tables = new TreeMap<>();
      root.path("tables").fields().forEachRemaining(e -> {
        Map<String, Long> reasons = new LinkedHashMap<>();
        e.getValue().fields().forEachRemaining(r -> reasons.put(r.getKey(), r.getValue().asLong()));
        tables.put(e.getKey(), reasons);
      });
      return new SubsetReport(tables, dropped);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a subset report: " + e.getOriginalMessage(), e);
    }
  }

  /** Collects a report while the subset is made. */
  static final class Builder {
    private final Map<String, Map<String, Long>> tables = new TreeMap<>();
    private final List<String> dropped = new ArrayList<>();

    void add(String table, String reason, long rows) {
      tables.computeIfAbsent(table, k -> new LinkedHashMap<>()).merge(reason, rows, Long::sum);
    }

    void dropped(String table) {
      dropped.add(table);
    }

    SubsetReport build() {
      return new SubsetReport(tables, dropped);
    }
  }
}
