package dev.lockplane.safety;

/** How a planner treats risky steps. */
public enum SafetyLevel {
  /** Refuses dangerous and multi-phase steps unless rewritten; lossy steps are reported. */
  STRICT,
  /** Allows every step, with a warning for each finding. */
  MODERATE,
  /** Allows every step; findings are documentation only. */
  PERMISSIVE
}
