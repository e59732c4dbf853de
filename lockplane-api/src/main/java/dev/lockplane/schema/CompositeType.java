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
   * Returns this type with no rename hints on its attributes (hints say how to reach a model, they
   * are not part of it).
   *
   * @return the copy, or this type when it has none
   */
  public CompositeType withoutRenameHints() {
    if (attributes.stream().allMatch(a -> a.renamedFrom() == null)) {
      return this;
    }
    return new CompositeType(schema, name, attributes.stream().map(Attribute::withoutRenameHint).toList(), comment);
  }

  /**
   * One attribute of a composite type.
   *
   * @param name the attribute name
   * @param type the type, formatted as PostgreSQL prints it
   * @param collation the collation when it differs from the type's, or null
   * @param renamedFrom a rename hint: the attribute's previous name, or null
   */
  public record Attribute(String name, String type, String collation, String renamedFrom) {
    /** Validates the record. */
    public Attribute {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }

    /**
     * An attribute without a rename hint.
     *
     * @param name the attribute name
     * @param type the type, formatted as PostgreSQL prints it
     * @param collation the collation when it differs from the type's, or null
     */
    public Attribute(String name, String type, String collation) {
      this(name, type, collation, null);
    }

    /**
     * Returns this attribute with another rename hint.
     *
     * @param hint the previous name, or null
     * @return the copy
     */
    public Attribute withRenamedFrom(String hint) {
      return new Attribute(name, type, collation, hint);
    }

    /**
     * Returns this attribute without a rename hint.
     *
     * @return the copy
     */
    public Attribute withoutRenameHint() {
      return withRenamedFrom(null);
    }
  }
}
