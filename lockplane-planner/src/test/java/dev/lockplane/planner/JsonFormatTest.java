package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schema in docs describes what Lockplane writes: a rich model, serialized, validates
 * against it (a small validator for the keywords the schema uses), and the same SQL read twice
 * gives the same model.
 */
class JsonFormatTest {
  static final Path SCHEMA = Path.of("../docs/lockplane-schema.json");

  @Test
  void writtenDocumentsFollowTheJsonSchema() throws Exception {
    Planner planner = Lockplane.planner().scratchServer(SharedPostgres.get()).build();
    String sql = Files.readString(PlannerCorpusTest.CORPUS.resolve(
        Files.list(PlannerCorpusTest.CORPUS).map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith("mixed-everything-from-empty")).findFirst().orElseThrow()).resolve("after.sql"));
    sql += "\nCREATE TABLE app.m (id int, at date NOT NULL) PARTITION BY RANGE (at);\n"
        + "CREATE TABLE app.m1 PARTITION OF app.m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\n"
        + "CREATE TABLE app.m2 PARTITION OF app.m (id DEFAULT 7 NOT NULL) FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');\n"
        + "CREATE TABLE app.r (id int REFERENCES app.t(id) ON DELETE CASCADE, r tsrange, EXCLUDE USING gist (r WITH &&));\n"
        + "CREATE INDEX r_id ON app.r (id DESC) INCLUDE (r) WHERE id > 0;\n"
        + "CREATE TYPE app.pair AS (x int, y text COLLATE \"C\");\nCREATE MATERIALIZED VIEW app.mv AS SELECT 1 AS one;\n"
        + "CREATE PROCEDURE app.p() LANGUAGE sql AS $$ SELECT 1 $$;";
    DatabaseSchema first = planner.load(Desired.sql("rich.sql", sql), Dialect.POSTGRESQL, SharedPostgres.get().majorVersion());
    DatabaseSchema second = planner.load(Desired.sql("rich.sql", sql), Dialect.POSTGRESQL, SharedPostgres.get().majorVersion());
    assertThat(second).isEqualTo(first);
    // JSON -> SQL -> scratch database -> model: the conversion loses nothing for any object kind here.
    assertThat(planner.load(Desired.json("rich.json", Planner.toJson(first)), Dialect.POSTGRESQL,
        SharedPostgres.get().majorVersion())).isEqualTo(first);
    ObjectMapper m = new ObjectMapper();
    JsonNode doc = m.readTree(Planner.toJson(first));
    JsonNode schema = m.readTree(Files.readString(SCHEMA));
    List<String> errors = new ArrayList<>();
    validate(doc, schema, "$", errors);
    assertThat(errors).isEmpty();
    assertThat(doc.at("/schema/tables").size()).isGreaterThanOrEqualTo(4);
  }

  private static void validate(JsonNode value, JsonNode schema, String path, List<String> errors) {
    if (schema.has("oneOf")) {
      List<String> best = null;
      for (JsonNode option : schema.get("oneOf")) {
        List<String> e = new ArrayList<>();
        validate(value, option, path, e);
        if (e.isEmpty()) {
          return;
        }
        best = best == null || e.size() < best.size() ? e : best;
      }
      errors.addAll(best);
      return;
    }
    if (schema.has("const") && !schema.get("const").equals(value)) {
      errors.add(path + ": expected " + schema.get("const"));
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(value);
      }
      if (!found) {
        errors.add(path + ": " + value + " not in " + schema.get("enum"));
      }
    }
    if (schema.has("type")) {
      List<String> types = new ArrayList<>();
      schema.get("type").forEach(t -> types.add(t.asText()));
      if (schema.get("type").isTextual()) {
        types.add(schema.get("type").asText());
      }
      String actual = value.isTextual() ? "string" : value.isBoolean() ? "boolean" : value.isIntegralNumber() ? "integer"
          : value.isArray() ? "array" : value.isObject() ? "object" : value.isNull() ? "null" : "other";
      if (!types.contains(actual)) {
        errors.add(path + ": " + actual + " is not " + types);
      }
    }
    if (value.isObject() && schema.has("properties")) {
      value.fieldNames().forEachRemaining(f -> {
        if (!schema.get("properties").has(f)) {
          errors.add(path + "." + f + ": not in the JSON Schema");
        } else {
          validate(value.get(f), schema.get("properties").get(f), path + "." + f, errors);
        }
      });
      schema.path("required").forEach(r -> {
        if (!value.has(r.asText())) {
          errors.add(path + ": missing required " + r.asText());
        }
      });
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        validate(value.get(i), schema.get("items"), path + "[" + i + "]", errors);
      }
    }
  }
}
