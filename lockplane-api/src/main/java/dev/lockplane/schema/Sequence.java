package dev.lockplane.schema;

import java.util.Objects;

/**
 * A sequence (identity sequences belong to their column and are not listed).
 *
 * @param schema the schema
 * @param name the sequence name
 * @param type the data type ({@code bigint}, {@code integer}, {@code smallint})
 * @param start the start value
 * @param increment the increment
 * @param minValue the minimum value
 * @param maxValue the maximum value
 * @param cache the cache size
 * @param cycle whether it wraps around
 * @param ownedBy the owning column as {@code schema.table.column}, or null
 * @param comment the comment, or null
 */
public record Sequence(
    String schema,
    String name,
    String type,
    long start,
    long increment,
    long minValue,
    long maxValue,
    long cache,
    boolean cycle,
    String ownedBy,
    String comment) {
  /** Validates the record. */
  public Sequence {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
