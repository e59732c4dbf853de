package dev.lockplane.schema;

import java.util.Objects;

/**
 * A function, a procedure or an aggregate.
 *
 * @param schema the schema
 * @param name the routine name
 * @param kind whether it is a function or a procedure
 * @param arguments the identity arguments, e.g. {@code a integer, b text}
 * @param result the result type of a function, e.g. {@code trigger}; null for a procedure
 * @param definition the complete {@code CREATE OR REPLACE} statement
 * @param comment the comment, or null
 */
public record Routine(
    String schema, String name, Kind kind, String arguments, String result, String definition, String comment) {
  /** Validates the record. */
  public Routine {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(definition, "definition");
    kind = kind == null ? Kind.FUNCTION : kind;
    arguments = arguments == null ? "" : arguments;
  }

  /** Returns {@code schema.name(arguments)}, the routine's identity. */
  public String signature() {
    return schema + "." + name + "(" + arguments + ")";
  }

  /**
   * Returns the argument list as SQL names it in {@code DROP} or {@code COMMENT ON}: the arguments,
   * or {@code *} for an aggregate that takes none.
   */
  public String sqlArguments() {
    return kind == Kind.AGGREGATE && arguments.isEmpty() ? "*" : arguments;
  }

  /** Whether a routine is a function, a procedure or an aggregate. */
  public enum Kind {
    /** A function. */
    FUNCTION,
    /** A procedure. */
    PROCEDURE,
    /**
     * An aggregate; its definition is a {@code CREATE OR REPLACE AGGREGATE} statement built from the
     * catalog, naming its support functions schema-qualified.
     */
    AGGREGATE
  }
}
