package dev.lockplane.safety;

/** Receives the progress of a shadow validation, step by step. Called on the validating thread. */
@FunctionalInterface
public interface ValidationListener {
  /** A listener that ignores everything. */
  ValidationListener NONE = (phase, result) -> { };

  /**
   * Called after each step.
   *
   * @param phase {@code "step"} or {@code "rollback"}
   * @param result the step's measurements
   */
  void stepFinished(String phase, StepResult result);
}
