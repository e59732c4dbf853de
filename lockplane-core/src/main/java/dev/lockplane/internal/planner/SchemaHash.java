package dev.lockplane.internal.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.schema.DatabaseSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The schema hash: SHA-256 of the canonical JSON of a model, without rename hints and with
 * columns sorted by name (Lockplane does not manage column order).
 */
public final class SchemaHash {
  private SchemaHash() {}

  public static String of(DatabaseSchema schema) {
    JsonNode canonical = canonical(schema);
    try {
      byte[] bytes = SchemaJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .writeValueAsBytes(canonical);
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode canonical(DatabaseSchema schema) {
    JsonNode node = SchemaJson.sorted(SchemaJson.MAPPER.valueToTree(schema));
    strip(node);
    return node;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove("renamedFrom");
      JsonNode cols = o.get("columns");
      if (cols instanceof ArrayNode a && a.size() > 1 && a.get(0).has("name")) {
        List<JsonNode> list = new ArrayList<>();
        a.forEach(list::add);
        list.sort(Comparator.comparing(n -> n.get("name").asText()));
        a.removeAll();
        list.forEach(a::add);
      }
      o.forEach(SchemaHash::strip);
    } else if (node instanceof ArrayNode a) {
      a.forEach(SchemaHash::strip);
    }
  }
}
