package dev.lockplane.internal.subset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.golden.SubsetReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The subset report as JSON with sorted keys, the form it is kept in beside the golden. */
public final class SubsetReports {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SubsetReports() {}

  /**
   * Writes a report as JSON: {@code {"dropped": [...], "tables": {"s.t": {"reason": rows}}}}.
   *
   * @param r the report
   * @return the JSON text
   */
  public static String toJson(SubsetReport r) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode d = root.putArray("dropped");
    r.dropped().forEach(d::add);
    ObjectNode t = root.putObject("tables");
    r.tables().forEach((table, reasons) -> {
      ObjectNode n = t.putObject(table);

      reasons.forEach(n::put);
    });
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a report written by {@link #toJson}.
   *
   * @param json the JSON text, or null
   * @return the report, or empty when there is none or it cannot be read
   */
  public static Optional<SubsetReport> fromJson(String json) {
    if (json == null) {
      return Optional.empty();
    }
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
      return Optional.of(new SubsetReport(tables, dropped));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
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
