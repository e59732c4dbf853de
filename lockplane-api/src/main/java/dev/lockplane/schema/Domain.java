package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * A domain: a base type with a default, a NOT NULL flag and check constraints.
 *
 * @param schema the schema
 * @param name the domain name
 * @param baseType the base type, formatted as PostgreSQL prints it
 * @param notNull whether NULL is rejected
 * @param defaultValue the default expression, or null
 * @param collation the collation when it differs from the base type's, or null
 * @param checks the check constraints
 * @param comment the comment, or null
 */
public record Domain(
    String schema,
    String name,
    String baseType,
    boolean notNull,
    String defaultValue,
    String collation,
    List<Constraint.Check> checks,
    String comment) {
  /** Validates and copies the record. */
  public Domain {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseType, "baseType");
    checks = Lists.copy(checks);
  }
}
