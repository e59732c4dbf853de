package dev.lockplane.plan;

import java.util.List;
import java.util.Objects;

/**
 * One step of a plan: the statements of one operation.
 *
 * @param operation the operation kind, e.g. {@code add_column}
 * @param description a one-line description for a reviewer
 * @param sql the statements, in order, without trailing semicolons
 * @param objects the objects the step touches, e.g. {@code table public.users}
 * @param transactional whether the statements may run inside the plan's transaction
 * @param destructive whether the step destroys data (a dropped table or column)
 * @param reversible whether the reverse step restores the previous state including its data
 * @param renamedFrom for a rename, the previous name; else null
 */
public record Step(
    String operation,
    String description,
    List<String> sql,
    List<String> objects,
    boolean transactional,
    boolean destructive,
    boolean reversible,
    String renamedFrom) {
  /** Validates and copies the record. */
  public Step {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(description, "description");
    sql = sql == null ? List.of() : List.copyOf(sql);
    objects = objects == null ? List.of() : List.copyOf(objects);
  }
}
