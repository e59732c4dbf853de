package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * An enum type.
 *
 * @param schema the schema
 * @param name the type name
 * @param labels the labels, in sort order
 * @param comment the comment, or null
 */
public record EnumType(String schema, String name, List<String> labels, String comment) {
  /** Validates and copies the record. */
  public EnumType {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    labels = Lists.copy(labels);
  }
}
