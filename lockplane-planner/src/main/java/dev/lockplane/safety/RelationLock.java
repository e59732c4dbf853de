package dev.lockplane.safety;

import dev.lockplane.plan.LockMode;
import java.util.Objects;

/**
 * A lock a kind of statement takes on one of the relations it touches, named by the relation's role
 * in the statement.
 *
 * @param role the relation's role: {@code table} (the altered table), {@code referenced} (the table a
 *     foreign key points to), {@code index}, {@code parent} / {@code partition}, {@code view}, {@code base}
 *     (a materialized view's source table)
 * @param mode the lock mode
 */
public record RelationLock(String role, LockMode mode) {
  /** Validates the components. */
  public RelationLock {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(mode, "mode");
  }

  @Override
  public String toString() {
    return mode.sqlName() + " on " + role;
  }
}
