package dev.lockplane.plan;

import java.util.Objects;

/**
 * One finding of a step's risk report.
 *
 * @param ruleId the catalogue rule, stable across versions (such as {@code add-column-volatile-default})
 * @param risk the rule's risk class
 * @param message what happens, with the target's size when known
 * @param saferAlternative what to do instead; empty when nothing safer exists or is needed
 */
public record StepFinding(String ruleId, RiskClass risk, String message, String saferAlternative) {
  /** Validates the record. */
  public StepFinding {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(message, "message");
    saferAlternative = saferAlternative == null ? "" : saferAlternative;
  }
}
