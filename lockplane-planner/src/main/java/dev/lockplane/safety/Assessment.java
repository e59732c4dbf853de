package dev.lockplane.safety;

import dev.lockplane.plan.RiskClass;
import java.util.List;
import java.util.Objects;

/**
 * The safety verdict on one step: what the catalogue says about its kind, the findings with the
 * target's size in them, and whether the safety level lets it run as is.
 *
 * @param entry the catalogue entry of the step's kind
 * @param findings the findings (empty for safe steps)
 * @param allowed whether the level lets the step run unchanged
 */
public record Assessment(CatalogueEntry entry, List<Finding> findings, boolean allowed) {
  /** Validates and copies the components. */
  public Assessment {
    Objects.requireNonNull(entry, "entry");
    findings = List.copyOf(findings);
  }

  /**
   * Assesses a step. This is the hook a planner calls for each step it generates: it knows the step's
   * kind from its typed operation, and reads the touched table's statistics from the target.
   *
   * @param catalogue the catalogue of the target's version
   * @param kind the step's kind
   * @param statistics the touched table's statistics, or {@code null} when unknown
   * @param level the safety level
   * @return the assessment
   */
  public static Assessment of(LockCatalogue catalogue, DdlKind kind, TableStatistics statistics, SafetyLevel level) {
    CatalogueEntry e = catalogue.entry(kind);
    boolean refused = level == SafetyLevel.STRICT
        && (e.risk() == RiskClass.DANGEROUS || e.risk() == RiskClass.MULTI_PHASE);
    return new Assessment(e, catalogue.findings(kind, statistics), !refused);
  }
}
