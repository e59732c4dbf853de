package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * An index that does not back a constraint.
 *
 * @param name the index name
 * @param unique whether it is unique
 * @param method the access method ({@code btree}, {@code gin}, ...)
 * @param keys the key columns or expressions, each with its collation, operator class and sort order
 *     ({@code DESC}, {@code NULLS FIRST}) when not the default
 * @param include the non-key columns of an {@code INCLUDE} clause
 * @param where the predicate of a partial index, or null
 * @param comment the comment, or null
 * @param nullsNotDistinct whether a unique index treats NULLs as equal ({@code NULLS NOT DISTINCT},
 *     PostgreSQL 15 and later)
 * @param storageParameters the storage parameters of {@code WITH (...)}, e.g. {@code fillfactor=70},
 *     sorted
 */
public record Index(
    String name,
    boolean unique,
    String method,
    List<String> keys,
    List<String> include,
    String where,
    String comment,
    boolean nullsNotDistinct,
    List<String> storageParameters) {
  /** Validates and copies the record. */
  public Index {
    Objects.requireNonNull(name, "name");
    method = method == null ? "btree" : method;
    keys = Lists.copy(keys);
    include = Lists.copy(include);
    storageParameters = Lists.copy(storageParameters);
  }

  /**
   * Creates an index that treats NULLs as distinct, without storage parameters.
   *
   * @param name the index name
   * @param unique whether it is unique
   * @param method the access method
   * @param keys the key columns or expressions
   * @param include the non-key columns
   * @param where the predicate, or null
   * @param comment the comment, or null
   */
  public Index(String name, boolean unique, String method, List<String> keys, List<String> include, String where,
      String comment) {
    this(name, unique, method, keys, include, where, comment, false, null);
  }

  /**
   * Returns this index without its comment.
   *
   * @return the copy
   */
  public Index withoutComment() {
    return new Index(name, unique, method, keys, include, where, null, nullsNotDistinct, storageParameters);
  }
}
