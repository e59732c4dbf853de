package dev.lockplane.schema;

import java.util.Objects;

/**
 * An installed extension.
 *
 * @param name the extension name
 * @param schema the schema its objects live in
 */
public record Extension(String name, String schema) {
  /** Validates the record. */
  public Extension {
    Objects.requireNonNull(name, "name");
  }
}
