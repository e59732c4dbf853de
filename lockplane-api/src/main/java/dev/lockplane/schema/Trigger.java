package dev.lockplane.schema;

import java.util.Objects;

/**
 * A trigger on a table.
 *
 * @param name the trigger name
 * @param function the trigger function as {@code schema.name}
 * @param definition the complete {@code CREATE TRIGGER} statement
 * @param enabled whether the trigger fires ({@code ALTER TABLE ... DISABLE TRIGGER} clears it)
 * @param comment the comment, or null
 */
public record Trigger(String name, String function, String definition, boolean enabled, String comment) {
  /** Validates the record. */
  public Trigger {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(definition, "definition");
  }
}
