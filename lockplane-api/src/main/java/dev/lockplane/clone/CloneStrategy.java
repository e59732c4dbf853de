package dev.lockplane.clone;

import java.util.Objects;

/**
 * How a clone manager makes its clones, and why it chose that way.
 *
 * @param method the copy method used for new clones
 * @param constantTime whether the copy is expected to take time independent of the database size
 * @param reason why this method was chosen, in words (for example the filesystem and the setting)
 */
public record CloneStrategy(CopyMethod method, boolean constantTime, String reason) {
  /** Validates the components. */
  public CloneStrategy {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return method + (constantTime ? " (constant time)" : " (linear in size)") + ": " + reason;
  }
}
