package dev.lockplane.schema;

import java.util.Objects;

/**
 * A function or a procedure.
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

  /** Whether a routine is a function or a procedure. */
  public enum Kind {
    /** A function. */
    FUNCTION,
    /** A procedure. */
    PROCEDURE
  }
}
