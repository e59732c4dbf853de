package dev.lockplane.internal.mask;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.golden.MaskingReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The masking report as JSON with sorted keys, the form it is kept in beside the golden. */
public final class MaskingReports {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MaskingReports() {}

  /**
   * Writes a report as JSON.
   *
   * @param r the report
   * @return the JSON text
   */
  public static String toJson(MaskingReport r) {
    Map<String, Object> m = new TreeMap<>();
    m.put("rules", r.rules());
    m.put("rows", r.rows());
    m.put("millis", r.duration().toMillis());
    m.put("unmasked", r.unmasked());
    try {
      return JSON.writeValueAsString(m);
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
  public static Optional<MaskingReport> fromJson(String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(json);
      Map<String, String> rules = new TreeMap<>();
      n.path("rules").fields().forEachRemaining(e -> rules.put(e.getKey(), e.getValue().asText()));
      Map<String, Long> rows = new TreeMap<>();
      n.path("rows").fields().forEachRemaining(e -> rows.put(e.getKey(), e.getValue().asLong()));
      List<String> unmasked = new ArrayList<>();
      n.path("unmasked").forEach(u -> unmasked.add(u.asText()));
      return Optional.of(new MaskingReport(rules, rows, Duration.ofMillis(n.path("millis").asLong()), unmasked));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
