package dev.lockplane.clones;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.golden.FakeKind;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.MaskedColumn;
import dev.lockplane.golden.Masking;
import dev.lockplane.golden.MaskingKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads masking rules files: JSON kept beside the Lockplane schema JSON, described by the JSON
 * Schema {@code masking-rules.schema.json}. Unknown keys are refused, and every error names the
 * file and the JSON path (or, for malformed JSON, the line and column).
 *
 * <pre>{@code
 * {
 *   "key": {"env": "LOCKPLANE_MASK_KEY"},
 *   "seed": 7,
 *   "strict": true,
 *   "tables": {
 *     "public.customers": {
 *       "id": "hash",
 *       "email": {"fake": "email"},
 *       "born": {"fake": "date_of_birth", "range_days": 180},
 *       "card": {"partial": 4},
 *       "note": "null"
 *     }
 *   }
 * }
 * }</pre>
 */
public final class MaskingFiles {
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> TOP = Set.of("$schema", "key", "seed", "strict", "tables");
  private static final Set<String> WORDS = Set.of("keep", "null", "hash", "shuffle");

  private MaskingFiles() {}

  /**
   * Reads a rules file; a key file it names is resolved against the rules file's directory.
   *
   * @param file the rules file
   * @return the masking
   * @throws LockplaneException with {@link ErrorCode#INVALID_INPUT} when the file is malformed,
   *     with {@link ErrorCode#IO_ERROR} when it cannot be read
   */
  public static Masking read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read the masking rules file " + file + ": " + e, e);
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), dir);
  }

  /**
   * Parses the text of a rules file.
   *
   * @param json the JSON text
   * @param origin how to name the text in errors, such as its path or {@code classpath:masking.json}
   * @param baseDirectory the directory relative key file paths are resolved against, or null for
   *     the working directory
   * @return the masking
   * @throws LockplaneException with {@link ErrorCode#INVALID_INPUT} when the text is malformed
   */
  public static Masking parse(String json, String origin, Path baseDirectory) {
    return parse(json, origin, baseDirectory, null);
  }

  /**
   * Parses the text of a rules file whose key may be given outside it (a test configuration's
   * {@code mask-key-env}, for example).
   *
   * @param json the JSON text
   * @param origin how to name the text in errors
   * @param baseDirectory the directory relative key file paths are resolved against, or null
   * @param key the key when the file names none, or null
   * @return the masking
   * @throws LockplaneException with {@link ErrorCode#INVALID_INPUT} when the text is malformed, or
   *     names a key while {@code key} is given too
   */
  public static Masking parse(String json, String origin, Path baseDirectory, MaskingKey key) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "The masking rules file " + origin + " is not valid JSON"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
          + e.getOriginalMessage() + ". Fix the file.");
    }
    if (root == null || !root.isObject()) {
      throw invalid(origin, "$", "the file must hold a JSON object");
    }
    onlyKeys(root, TOP, origin, "$");
    Masking.Builder b = Masking.builder();
    JsonNode keyNode = root.get("key");
    if (keyNode != null && key != null) {
      throw invalid(origin, "$.key", "the key is given both here and as " + key + "; give it in one place");
    }
    if (keyNode != null) {
      b.key(key(keyNode, origin, baseDirectory));
    } else if (key != null) {
      b.key(key);
    }
    JsonNode seed = root.get("seed");
    if (seed != null) {
      if (!seed.canConvertToLong() || !seed.isIntegralNumber()) {
        throw invalid(origin, "$.seed", "must be an integer");
      }
      b.seed(seed.longValue());
    }
    JsonNode strict = root.get("strict");
    if (strict != null) {
      if (!strict.isBoolean()) {
        throw invalid(origin, "$.strict", "must be true or false");
      }
      b.strict(strict.booleanValue());
    }
    JsonNode tables = root.get("tables");
    if (tables == null || !tables.isObject() || tables.isEmpty()) {
      throw invalid(origin, "$.tables", "must be an object with at least one table, such as {\"public.users\": {\"email\": {\"fake\": \"email\"}}}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> t = tables.fields(); t.hasNext(); ) {
      Map.Entry<String, JsonNode> table = t.next();
      String tablePath = "$.tables['" + table.getKey() + "']";
      if (!table.getValue().isObject() || table.getValue().isEmpty()) {
        throw invalid(origin, tablePath, "must be an object of columns and their rules");
      }
      for (Iterator<Map.Entry<String, JsonNode>> c = table.getValue().fields(); c.hasNext(); ) {
        Map.Entry<String, JsonNode> column = c.next();
        String path = tablePath + "." + column.getKey();
        try {
          b.rule(MaskedColumn.of(table.getKey(), column.getKey()), rule(column.getValue(), origin, path));
        } catch (IllegalArgumentException e) {
          throw invalid(origin, path, e.getMessage());
        }
      }
    }
    try {
      return b.build();
    } catch (LockplaneException e) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, "The masking rules file " + origin + ": " + e.getMessage(), e);
    }
  }

  private static MaskingKey key(JsonNode key, String origin, Path base) {
    if (!key.isObject() || key.size() != 1 || !(key.has("env") || key.has("file"))) {
      throw invalid(origin, "$.key", "must be {\"env\": \"VARIABLE\"} or {\"file\": \"path\"} (never the key itself)");
    }
    JsonNode v = key.has("env") ? key.get("env") : key.get("file");
    if (!v.isTextual() || v.textValue().isBlank()) {
      throw invalid(origin, "$.key", "needs a variable name or a path");
    }
    if (key.has("env")) {
      return MaskingKey.environment(v.textValue());
    }
    Path p = Path.of(v.textValue());
    return MaskingKey.file(p.isAbsolute() || base == null ? p : base.resolve(p));
  }

  private static MaskRule rule(JsonNode n, String origin, String path) {
    if (n.isTextual()) {
      return switch (n.textValue()) {
        case "keep" -> MaskRule.keep();
        case "null" -> MaskRule.setNull();
        case "hash" -> MaskRule.hash();
        case "shuffle" -> MaskRule.shuffle();
        default -> throw invalid(origin, path, "unknown rule '" + n.textValue() + "'; a rule is one of " + WORDS.stream()
            .sorted().map(w -> "\"" + w + "\"").toList() + " or an object with fake, constant, partial or sql");
      };
    }
    if (!n.isObject()) {
      throw invalid(origin, path, "a rule is a string (keep, null, hash, shuffle) or an object");
    }
    if (n.has("fake")) {
      onlyKeys(n, Set.of("fake", "range_days"), origin, path);
      FakeKind kind;
      try {
        kind = FakeKind.fromFileName(text(n.get("fake"), origin, path + ".fake"));
      } catch (IllegalArgumentException e) {
        throw invalid(origin, path + ".fake", "unknown fake kind '" + n.get("fake").asText() + "'; one of "
            + java.util.Arrays.stream(FakeKind.values()).map(FakeKind::fileName).toList());
      }
      if (n.has("range_days")) {
        if (kind != FakeKind.DATE_OF_BIRTH || !n.get("range_days").isInt()) {
          throw invalid(origin, path + ".range_days", "is an integer number of days, for date_of_birth fakes only");
        }
        return MaskRule.dateOfBirth(n.get("range_days").intValue());
      }
      return MaskRule.fake(kind);
    }
    if (n.has("constant")) {
      onlyKeys(n, Set.of("constant"), origin, path);
      JsonNode v = n.get("constant");
      if (!v.isValueNode() || v.isNull()) {
        throw invalid(origin, path + ".constant", "must be a string, number or boolean");
      }
      return MaskRule.constant(v.asText());
    }
    if (n.has("partial")) {
      onlyKeys(n, Set.of("partial"), origin, path);
      if (!n.get("partial").isInt()) {
        throw invalid(origin, path + ".partial", "is the number of last characters to keep");
      }
      return MaskRule.partial(n.get("partial").intValue());
    }
    if (n.has("sql")) {
      onlyKeys(n, Set.of("sql"), origin, path);
      return MaskRule.sql(text(n.get("sql"), origin, path + ".sql"));
    }
    onlyKeys(n, Set.of(), origin, path);
    throw invalid(origin, path, "an empty rule object; use fake, constant, partial or sql");
  }

  private static String text(JsonNode n, String origin, String path) {
    if (!n.isTextual()) {
      throw invalid(origin, path, "must be a string");
    }
    return n.textValue();
  }

  private static void onlyKeys(JsonNode n, Set<String> allowed, String origin, String path) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw invalid(origin, path + "." + k, "unknown key '" + k + "'" + (allowed.isEmpty() ? ""
            : "; allowed here: " + allowed.stream().sorted().toList()));
      }
    }
  }

  private static LockplaneException invalid(String origin, String path, String what) {
    return new LockplaneException(ErrorCode.INVALID_INPUT,
        "The masking rules file " + origin + " is invalid at " + path + ": " + what + ". Fix the file.");
  }
}
