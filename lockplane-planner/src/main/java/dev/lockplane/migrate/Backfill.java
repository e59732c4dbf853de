package dev.lockplane.migrate;

import java.util.Objects;
import java.util.Optional;

/**
 * An {@code UPDATE} run over a table in batches of key ranges:
 * {@code UPDATE table SET assignments WHERE key > $last AND key <= $next [AND filter]}.
 *
 * @param table the table, optionally schema-qualified
 * @param keyColumn a unique, non-null, orderable column (usually the primary key) that batches are cut by
 * @param assignments the {@code SET} list, such as {@code amount = total}
 * @param filter an extra condition limiting which rows of a batch are updated, such as {@code status IS NULL}
 */
public record Backfill(String table, String keyColumn, String assignments, Optional<String> filter) {
  /** Validates the components. */
  public Backfill {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(keyColumn, "keyColumn");
    Objects.requireNonNull(assignments, "assignments");
    Objects.requireNonNull(filter, "filter");
    if (assignments.isBlank()) {
      throw new IllegalArgumentException("a backfill of " + table + " needs a SET list; got an empty one");
    }
  }

  /**
   * Returns a backfill over every row.
   *
   * @param table the table
   * @param keyColumn the key column
   * @param assignments the {@code SET} list
   * @return the backfill
   */
  public static Backfill of(String table, String keyColumn, String assignments) {
    return new Backfill(table, keyColumn, assignments, Optional.empty());
  }

  /**
   * Returns this backfill limited to rows matching a condition.
   *
   * @param condition an SQL condition on the table's columns
   * @return a new backfill
   */
  public Backfill where(String condition) {
    return new Backfill(table, keyColumn, assignments, Optional.of(condition));
  }
}
