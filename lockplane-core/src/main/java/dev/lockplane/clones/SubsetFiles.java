package dev.lockplane.clones;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.golden.Subset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads subset files: JSON that {@code docs/subset.schema.json} describes.
 *
 * <pre>{@code
 * {
 *   "tables": {
 *     "sales.orders": {"where": "created_at > now() - interval '90 days'"},
 *     "sales.customers": {"perValue": {"column": "country", "rows": 5}},
 *     "sales.events": {"sample": 10}
 *   },
 *   "referencing": [{"table": "sales.order_items"}],
 *   "others": "empty",
 *   "edgeCases": ["nulls", "min-max"],
 *   "seed": 42
 * }
 * }</pre>
 *
 * <p>A malformed file is refused with its line and column, an unknown or misspelt key with its
 * path in the document. Tables and columns are checked against the source when the golden is
 * prepared, before any row is copied.
 */
public final class SubsetFiles {
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> TOP = Set.of("$schema", "tables", "referencing", "others", "edgeCases", "seed");

  private SubsetFiles() {}

  /**
   * Reads a subset file.
   *
   * @param file the file
   * @return the subset
   * @throws LockplaneException with {@code NOT_FOUND} when the file is missing, {@code INVALID_INPUT}
   *     naming the file and the line or path when it is not a valid subset file
   */
  public static Subset read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "Subset file " + file + " does not exist.");
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read subset file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * Reads a subset file from a class path resource, or from a file when the location does not start
   * with {@code classpath:}.
   *
   * @param location {@code classpath:db/subset.json} or a file path
   * @param loader the class loader to look in
   * @return the subset
   */
  public static Subset read(String location, ClassLoader loader) {
    if (!location.startsWith("classpath:")) {
      return read(Path.of(location));
    }
    String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new LockplaneException(ErrorCode.NOT_FOUND, "Subset file " + location + " is not on the class path.");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read subset file " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses the text of a subset file.
   *
   * @param json the JSON text
   * @param source where it came from, for messages
   * @return the subset
   */
  public static Subset parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw bad(source, (at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ")
          + e.getOriginalMessage());
    }
    if (!(root instanceof ObjectNode)) {
      throw bad(source, "$: expected a JSON object");
    }
    known(source, "$", root, TOP);
    Subset.Builder b = Subset.builder();
    JsonNode tables = root.get("tables");
    if (tables != null) {
      object(source, "$.tables", tables);
      for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        b.rows(e.getKey(), rows(source, "$.tables[\"" + e.getKey() + "\"]", e.getValue()));
      }
    }
    JsonNode referencing = root.get("referencing");
    if (referencing != null) {
      if (!referencing.isArray()) {
        throw bad(source, "$.referencing: expected an array");
      }
      for (int i = 0; i < referencing.size(); i++) {
        String path = "$.referencing[" + i + "]";
        JsonNode r = referencing.get(i);
        object(source, path, r);
        known(source, path, r, Set.of("table", "constraint"));
        String table = text(source, path + ".table", r.get("table"));
        b.alsoReferencing(table, r.has("constraint") ? text(source, path + ".constraint", r.get("constraint")) : "*");
      }
    }
    JsonNode others = root.get("others");
    if (others != null) {
      String o = text(source, "$.others", others);
      try {
        b.others(Subset.Others.valueOf(o.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw bad(source, "$.others: expected keep, empty or drop, got " + o);
      }
    }
    JsonNode edges = root.get("edgeCases");
    if (edges != null) {
      if (!edges.isArray()) {
        throw bad(source, "$.edgeCases: expected an array");
      }
      Subset.EdgeCase[] cases = new Subset.EdgeCase[edges.size()];
      for (int i = 0; i < edges.size(); i++) {
        String e = text(source, "$.edgeCases[" + i + "]", edges.get(i));
        try {
          cases[i] = Subset.EdgeCase.valueOf(e.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException x) {
          throw bad(source, "$.edgeCases[" + i + "]: expected nulls, longest or min-max, got " + e);
        }
      }
      b.edgeCases(cases);
    }
    JsonNode seed = root.get("seed");
    if (seed != null) {
      if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
        throw bad(source, "$.seed: expected an integer");
      }
      b.seed(seed.longValue());
    }
    return b.build();
  }

  private static Subset.Rows rows(String source, String path, JsonNode n) {
    object(source, path, n);
    known(source, path, n, Set.of("where", "sample", "perValue", "whole", "onlyReferenced"));
    if (n.size() != 1) {
      throw bad(source, path + ": expected exactly one of where, sample, perValue, whole, onlyReferenced");
    }
    try {
      if (n.has("where")) {
        return new Subset.Where(text(source, path + ".where", n.get("where")));
      }
      if (n.has("sample")) {
        if (!n.get("sample").isNumber()) {
          throw bad(source, path + ".sample: expected a percentage");
        }
        return new Subset.Sample(n.get("sample").doubleValue());
      }
      if (n.has("perValue")) {
        JsonNode pv = n.get("perValue");
        object(source, path + ".perValue", pv);
        known(source, path + ".perValue", pv, Set.of("column", "rows"));
        JsonNode rows = pv.get("rows");
        if (rows == null || !rows.isIntegralNumber()) {
          throw bad(source, path + ".perValue.rows: expected an integer");
        }
        return new Subset.PerValue(text(source, path + ".perValue.column", pv.get("column")), rows.intValue());
      }
      String key = n.fieldNames().next();
      if (!n.get(key).isBoolean() || !n.get(key).booleanValue()) {
        throw bad(source, path + "." + key + ": expected true");
      }
      return key.equals("whole") ? new Subset.All() : new Subset.None();
    } catch (IllegalArgumentException e) {
      throw bad(source, path + ": " + e.getMessage());
    }
  }

  private static void known(String source, String path, JsonNode n, Set<String> keys) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw bad(source, path + ": unknown key \"" + k + "\" (expected " + new java.util.TreeSet<>(keys) + ")");
      }
    }
  }

  private static void object(String source, String path, JsonNode n) {
    if (!(n instanceof ObjectNode)) {
      throw bad(source, path + ": expected a JSON object");
    }
  }

  private static String text(String source, String path, JsonNode n) {
    if (n == null || !n.isTextual() || n.textValue().isBlank()) {
      throw bad(source, path + ": expected a non-empty string");
    }
    return n.textValue();
  }

  private static LockplaneException bad(String source, String what) {
    return new LockplaneException(ErrorCode.INVALID_INPUT, "Subset file " + source + " is not valid: " + what
        + ". See docs/subset.schema.json for the format.");
  }
}
