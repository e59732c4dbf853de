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
 * @param dataStateAt the time the snapshot's data is from: when it was read from its source (a
 *     server, a backup, a standby's last replayed transaction), which may be well before {@code
 *     createdAt}
 */
public record Snapshot(String name, Instant createdAt, String description, Instant dataStateAt) {
  /** Validates the components. */
  public Snapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(dataStateAt, "dataStateAt");
  }

  /**
   * A snapshot whose data is from the moment it was taken (a golden built from scripts, a copy of
   * a database on the same server).
   *
   * @param name the snapshot's name
   * @param createdAt when it was taken, also the time its data is from
   * @param description where it came from
   */
  public Snapshot(String name, Instant createdAt, String description) {
    this(name, createdAt, description, createdAt);
  }

  /**
   * Returns how old the snapshot's data is at {@code now}.
   *
   * @param now the current time
   * @return the age of the data, never negative
   */
  public java.time.Duration dataAge(Instant now) {
    java.time.Duration d = java.time.Duration.between(dataStateAt, now);
    return d.isNegative() ? java.time.Duration.ZERO : d;
  }
}
