package dev.lockplane.safety;

import java.util.Objects;

/**
 * One statement of a migration, as the safety tools run it.
 *
 * @param sql one SQL statement
 * @param transactional whether it may run inside a transaction block ({@code false} for
 *     {@code CREATE INDEX CONCURRENTLY} and the other statements PostgreSQL refuses there)
 * @param description a short description for reports; may be empty
 */
public record SqlStep(String sql, boolean transactional, String description) {
  /** Validates the components. */
  public SqlStep {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(description, "description");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("a step needs SQL; got an empty statement");
    }
  }

  /**
   * Returns a step that may run in a transaction.
   *
   * @param sql the statement
   * @return the step
   */
  public static SqlStep of(String sql) {
    return new SqlStep(sql, true, "");
  }

  /**
   * Returns a step that must run outside a transaction block (autocommit).
   *
   * @param sql the statement
   * @return the step
   */
  public static SqlStep nonTransactional(String sql) {
    return new SqlStep(sql, false, "");
  }

  /**
   * Returns this step with a description.
   *
   * @param text the description
   * @return a new step
   */
  public SqlStep describedAs(String text) {
    return new SqlStep(sql, transactional, text);
  }
}
