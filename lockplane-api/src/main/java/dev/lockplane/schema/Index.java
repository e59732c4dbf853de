package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * An index that does not back a constraint.
 *
 * @param name the index name
 * @param unique whether it is unique
 * @param method the access method ({@code btree}, {@code gin}, ...)
 * @param keys the key columns or expressions, each with its sort order ({@code DESC}, {@code NULLS
 *     FIRST}) when not the default
 * @param include the non-key columns of an {@code INCLUDE} clause
 * @param where the predicate of a partial index, or null
 * @param comment the comment, or null
 */
public record Index(
    String name,
    boolean unique,
    String method,
    List<String> keys,
    List<String> include,
    String where,
    String comment) {
  /** Validates and copies the record. */
  public Index {
    Objects.requireNonNull(name, "name");
    method = method == null ? "btree" : method;
    keys = Lists.copy(keys);
    include = Lists.copy(include);
  }
}
