package dev.lockplane.schema;

import java.util.Objects;

/**
 * A partition's own default or NOT NULL for one of its columns, listed only where the partition
 * differs from its parent (PostgreSQL): a partition made with {@code PARTITION OF} takes its
 * parent's defaults, and may then set a default of its own, drop it, or reject NULL where the
 * parent does not. It may not accept NULL where the parent rejects it.
 *
 * <p>Example: {@code CREATE TABLE m1 PARTITION OF m (qty DEFAULT 5, note NOT NULL) FOR VALUES IN
 * (1)} gives {@code m1} two entries, {@code qty} (default {@code 5}, NOT NULL as in {@code m}) and
 * {@code note} (the default of {@code m}, NOT NULL).
 *
 * @param name the column name
 * @param defaultValue the partition's default expression, or null when the partition has none
 * @param notNull whether the partition rejects NULL
 */
public record PartitionColumn(String name, String defaultValue, boolean notNull) {
  /** Validates the record. */
  public PartitionColumn {
    Objects.requireNonNull(name, "name");
  }
}
