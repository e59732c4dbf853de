package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * A composite type.
 *
 * @param schema the schema
 * @param name the type name
 * @param attributes the attributes in order
 * @param comment the comment, or null
 */
public record CompositeType(String schema, String name, List<Attribute> attributes, String comment) {
  /** Validates and copies the record. */
  public CompositeType {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    attributes = Lists.copy(attributes);
  }

  /**
   * One attribute of a composite type.
   *
   * @param name the attribute name
   * @param type the type, formatted as PostgreSQL prints it
   * @param collation the collation when it differs from the type's, or null
   */
  public record Attribute(String name, String type, String collation) {
    /** Validates the record. */
    public Attribute {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }
}
