package dev.lockplane.safety;

/** How a planner treats risky steps. */
public enum SafetyLevel {
  /**
   * Refuses dangerous and multi-phase steps unless rewritten ({@link Assessment#allowed()}); the
   * planner ({@code Lockplane.planner().safety(STRICT)}) also refuses lossy steps (a dropped column or
   * table) and uses the safe form of every step that has one.
   */
  STRICT,
  /** Allows every step, with a warning for each finding. */
  MODERATE,
  /** Allows every step; findings are documentation only. */
  PERMISSIVE
}
