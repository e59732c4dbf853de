package dev.lockplane.safety;

import dev.lockplane.plan.RiskClass;
import java.util.Objects;

/**
 * One observation about a step: which rule, how risky, what happens, and what to do instead.
 *
 * @param ruleId the rule's stable identifier
 * @param risk the risk class
 * @param message what happens
 * @param saferAlternative what to do instead; empty when nothing safer exists or is needed
 */
public record Finding(String ruleId, RiskClass risk, String message, String saferAlternative) {
  /** Validates the components. */
  public Finding {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(saferAlternative, "saferAlternative");
  }
}
