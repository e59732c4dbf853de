package dev.lockplane.internal.planner;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.DriftReport;
import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.StepLock;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import java.util.Iterator;
import java.util.Map;

/**
 * The Lockplane JSON format: versioned documents ({@code formatVersion}), strict reading (an
 * unknown property is an error that names its JSON path), sorted keys on output.
 */
public final class SchemaJson {
  /** The format version this code writes and reads. */
  public static final int FORMAT_VERSION = 1;

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = Constraint.PrimaryKey.class, name = "primaryKey"),
      @JsonSubTypes.Type(value = Constraint.Unique.class, name = "unique"),
      @JsonSubTypes.Type(value = Constraint.ForeignKey.class, name = "foreignKey"),
      @JsonSubTypes.Type(value = Constraint.Check.class, name = "check"),
      @JsonSubTypes.Type(value = Constraint.Exclusion.class, name = "exclusion")})
  private interface ConstraintMixin {}

  private abstract static class EmptyMixin {
    @JsonIgnore
    abstract boolean isEmpty();
  }

  /** Dependency edges are read from the database each time; documents and plan files leave them out. */
  private abstract static class SchemaMixin {
    @JsonIgnore
    abstract boolean isEmpty();

    @JsonIgnore
    abstract java.util.List<dev.lockplane.schema.Dependency> dependencies();
  }

  private abstract static class PlanMixin {
    @JsonIgnore
    abstract boolean isEmpty();

    @JsonIgnore
    abstract boolean isReversible();

    @JsonIgnore
    abstract boolean isDestructive();
  }

  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .serializationInclusion(JsonInclude.Include.NON_EMPTY)
      .addMixIn(Constraint.class, ConstraintMixin.class)
      .addMixIn(DatabaseSchema.class, SchemaMixin.class)
      .addMixIn(DriftReport.class, EmptyMixin.class)
      .addMixIn(Plan.class, PlanMixin.class)
      .addModule(riskModule())
      .findAndAddModules()
      .build();

  private SchemaJson() {}

  /**
   * Lock modes in PostgreSQL's words and relation locks as one sentence, as plan files spelled them
   * when the risk report held strings: plan files stay readable across that change.
   */
  private static SimpleModule riskModule() {
    SimpleModule m = new SimpleModule("lockplane-risk");
    m.addSerializer(LockMode.class, new ToStringSerializerBase(LockMode.class) {
      @Override
      public String valueToString(Object value) {
        return ((LockMode) value).sqlName();
      }
    });
    m.addDeserializer(LockMode.class, new FromStringDeserializer<LockMode>(LockMode.class) {
      @Override
      protected LockMode _deserialize(String value, DeserializationContext ctxt) {
        return LockMode.parse(value);
      }
    });
    m.addSerializer(StepLock.class, new ToStringSerializer(StepLock.class));
    m.addDeserializer(StepLock.class, new FromStringDeserializer<StepLock>(StepLock.class) {
      @Override
      protected StepLock _deserialize(String value, DeserializationContext ctxt) {
        return StepLock.parse(value);
      }
    });
    return m;
  }

  public static String write(String property, Object value) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("formatVersion", FORMAT_VERSION);
    JsonNode tree = MAPPER.valueToTree(value);
    quietNotNullNames(tree);
    doc.set(property, tree);
    try {
      return MAPPER.writeValueAsString(sorted(doc)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }

  /**
   * Leaves out the NOT NULL constraint names PostgreSQL 18 chose itself: only names of one's own are
   * written, and a column read without one does not care about its constraint's name.
   */
  private static void quietNotNullNames(JsonNode node) {
    if (node.isObject() && node.path("columns").isArray() && node.path("name").isTextual()) {
      for (JsonNode c : node.get("columns")) {
        if (c.isObject() && c.path("notNullName").isTextual() && c.path("name").isTextual()
            && c.get("notNullName").asText().equals(
                dev.lockplane.schema.Column.defaultNotNullName(node.get("name").asText(), c.get("name").asText()))) {
          ((ObjectNode) c).remove("notNullName");
        }
      }
    }
    if (node.isContainerNode()) {
      node.forEach(SchemaJson::quietNotNullNames);
    }
  }

  /**
   * The reverse of {@link #quietNotNullNames}: in a PostgreSQL model, a NOT NULL column written
   * without a constraint name has the one PostgreSQL 18 chooses (older servers have no names, and
   * the planner compares names only where both sides have them).
   */
  private static void namedNotNulls(JsonNode node, String dialect) {
    if (node.isObject() && node.path("dialect").isTextual()) {
      dialect = node.get("dialect").asText();
    }
    if ("POSTGRESQL".equals(dialect) && node.isObject() && node.path("columns").isArray()
        && node.path("name").isTextual()) {
      for (JsonNode c : node.get("columns")) {
        if (c.isObject() && c.path("notNull").asBoolean(false) && !c.has("notNullName") && c.path("name").isTextual()) {
          ((ObjectNode) c).put("notNullName",
              dev.lockplane.schema.Column.defaultNotNullName(node.get("name").asText(), c.get("name").asText()));
        }
      }
    }
    if (node.isContainerNode()) {
      String d = dialect;
      node.forEach(n -> namedNotNulls(n, d));
    }
  }

  /** Sorts object keys recursively: valueToTree keeps insertion order for nested maps. */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = MAPPER.createObjectNode();
      java.util.TreeMap<String, JsonNode> fields = new java.util.TreeMap<>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
      fields.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      var out = MAPPER.createArrayNode();
      node.forEach(n -> out.add(sorted(n)));
      return out;
    }
    return node;
  }

  public static <T> T read(String json, String property, Class<T> type, String source) {
    JsonNode doc;
    try {
      doc = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid(source, "$", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
    }
    if (doc == null || !doc.isObject()) {
      throw invalid(source, "$", "expected a JSON object with formatVersion and " + property, null);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      // A schema document may also declare owners, consumers and deprecations (read by Ownership).
      if (!key.equals("formatVersion") && !key.equals(property) && !(property.equals("schema") && key.equals("ownership"))) {
        throw invalid(source, "$." + key, "unknown property '" + key + "' (expected formatVersion and " + property + ")", null);
      }
    }
    JsonNode version = doc.get("formatVersion");
    if (version == null || !version.isInt()) {
      throw invalid(source, "$.formatVersion", "missing or not an integer", null);
    }
    if (version.asInt() != FORMAT_VERSION) {
      throw invalid(source, "$.formatVersion", "version " + version.asInt() + " is not supported; this Lockplane reads "
          + FORMAT_VERSION, null);
    }
    JsonNode body = doc.get(property);
    if (body == null) {
      throw invalid(source, "$." + property, "missing", null);
    }
    body = body.deepCopy();
    namedNotNulls(body, null);
    try {
      return MAPPER.treeToValue(body, type);
    } catch (JsonMappingException e) {
      StringBuilder path = new StringBuilder("$." + property);
      for (JsonMappingException.Reference r : e.getPath()) {
        if (r.getFieldName() != null) {
          path.append('.').append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      String what = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u
          ? "unknown property '" + u.getPropertyName() + "'"
          : e.getOriginalMessage().lines().findFirst().orElse("invalid value");
      throw invalid(source, path.toString(), what, e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw invalid(source, "$." + property, e.getMessage(), e);
    }
  }

  /** The {@code ownership} object of a schema document, or null when it has none (or is not valid JSON). */
  public static JsonNode ownership(String json) {
    try {
      JsonNode doc = MAPPER.readTree(json);
      return doc == null || !doc.isObject() ? null : doc.get("ownership");
    } catch (JsonProcessingException e) {
      return null; // read() reports it, with its line
    }
  }

  private static LockplaneException invalid(String source, String path, String what, Throwable cause) {
    return new LockplaneException(ErrorCode.INVALID_INPUT, source + ": " + path + ": " + what
        + ". Fix the document (see docs/lockplane-schema.json for the format).", cause);
  }
}
