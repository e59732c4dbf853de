package dev.lockplane.clone;

import java.time.Instant;
import java.util.Objects;

/**
 * An immutable state of a database from which clones are created. For database-level clones a
 * snapshot is a template database; for instance-level clones it is a storage snapshot of a data
 * directory.
 *
 * @param name the snapshot's name, unique within its manager
 * @param createdAt when the snapshot was taken
 * @param description where the snapshot came from, in words (for example the scripts of a golden)
 */
public record Snapshot(String name, Instant createdAt, String description) {
  /** Validates the components. */
  public Snapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(description, "description");
  }
}
