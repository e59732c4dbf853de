package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Checks that a JSON document's object keys are sorted, at every depth. */
final class JsonAssertions {
  private JsonAssertions() {}

  static JsonNode sortedJson(String text) {
    JsonNode node = Json.read(text);
    check(node);
    return node;
  }

  private static void check(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      assertThat(names).isSorted();
      node.forEach(JsonAssertions::check);
    } else if (node.isArray()) {
      node.forEach(JsonAssertions::check);
    }
  }
}
