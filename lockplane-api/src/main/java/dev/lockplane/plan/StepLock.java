package dev.lockplane.plan;

import java.util.Objects;

/**
 * One relation lock a step takes: the mode and the relation it is taken on.
 *
 * <p>Its text form, {@code ACCESS EXCLUSIVE on public.orders}, is what plan JSON stores; {@link
 * #parse(String)} reads it back.
 *
 * @param mode the lock mode
 * @param relation the relation, qualified when known ({@code public.orders}); else the relation's role
 *     in the statement, such as {@code index} or {@code referenced}
 */
public record StepLock(LockMode mode, String relation) {
  private static final String ON = " on ";

  /** Validates the record. */
  public StepLock {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(relation, "relation");
  }

  /**
   * Reads the text form written by {@link #toString()}.
   *
   * @param text such as {@code ACCESS EXCLUSIVE on public.orders}
   * @return the lock
   * @throws IllegalArgumentException if the text is not a mode, {@code " on "} and a relation
   */
  public static StepLock parse(String text) {
    // Lock mode names never contain " on ", so the first occurrence separates mode and relation.
    int at = text.indexOf(ON);
    if (at < 0) {
      throw new IllegalArgumentException("not a step lock: '" + text + "' (expected e.g. ACCESS EXCLUSIVE on public.t)");
    }
    return new StepLock(LockMode.parse(text.substring(0, at)), text.substring(at + ON.length()));
  }

  /** Returns the text form, such as {@code ACCESS EXCLUSIVE on public.orders}. */
  @Override
  public String toString() {
    return mode.sqlName() + ON + relation;
  }
}
