package dev.lockplane.internal.planner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.schema.DatabaseSchema;
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
    try {
      // Record properties are already written in alphabetical order and the model holds no maps,
      // so the bytes of the normalized model are canonical without a tree pass.
      byte[] bytes = COMPACT.writeValueAsBytes(normalized(schema));
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectWriter COMPACT =
      SchemaJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

  /** The model without rename hints and with columns sorted by name. */
  static DatabaseSchema normalized(DatabaseSchema s) {
    List<dev.lockplane.schema.Table> tables = s.tables().stream().map(t -> {
      List<dev.lockplane.schema.Column> cols = new ArrayList<>(t.columns().stream()
          .map(dev.lockplane.schema.Column::withoutRenameHint).toList());
      cols.sort(Comparator.comparing(dev.lockplane.schema.Column::name));
      return t.with(cols, null);
    }).toList();
    return new DatabaseSchema(s.dialect(), s.schemas(), s.extensions(), s.enums(), s.domains(),
        s.compositeTypes().stream().map(dev.lockplane.schema.CompositeType::withoutRenameHints).toList(),
        s.sequences(), tables, s.views(), s.routines());
  }

  static JsonNode canonical(DatabaseSchema schema) {
    return SchemaJson.MAPPER.valueToTree(normalized(schema));
  }
}
