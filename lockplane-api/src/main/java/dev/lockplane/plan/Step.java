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
 * @param risk the step's risk report when the plan was assessed (planned against a live PostgreSQL
 *     database); else null
 */
public record Step(
    String operation,
    String description,
    List<String> sql,
    List<String> objects,
    boolean transactional,
    boolean destructive,
    boolean reversible,
    String renamedFrom,
    StepRisk risk) {
  /** Validates and copies the record. */
  public Step {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(description, "description");
    sql = sql == null ? List.of() : List.copyOf(sql);
    objects = objects == null ? List.of() : List.copyOf(objects);
  }

  /**
   * Creates a step without a risk report.
   *
   * @param operation the operation kind
   * @param description the description
   * @param sql the statements
   * @param objects the objects it touches
   * @param transactional whether it may run in the plan's transaction
   * @param destructive whether it destroys data
   * @param reversible whether its reverse restores the data
   * @param renamedFrom for a rename, the previous name; else null
   */
  public Step(String operation, String description, List<String> sql, List<String> objects, boolean transactional,
      boolean destructive, boolean reversible, String renamedFrom) {
    this(operation, description, sql, objects, transactional, destructive, reversible, renamedFrom, null);
  }

  /**
   * Returns this step with other statements and a risk report (the planner's safe rewrite).
   *
   * @param newSql the statements
   * @param newTransactional whether they may run in the plan's transaction
   * @param newRisk the risk report
   * @return a new step
   */
  public Step withRisk(List<String> newSql, boolean newTransactional, StepRisk newRisk) {
    return new Step(operation, description, newSql, objects, newTransactional, destructive, reversible, renamedFrom,
        newRisk);
  }
}
