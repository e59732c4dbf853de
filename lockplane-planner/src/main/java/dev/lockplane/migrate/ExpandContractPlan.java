package dev.lockplane.migrate;

import java.util.List;
import java.util.Objects;

/**
 * A change split into expand, migrate and contract phases.
 *
 * @param id the migration id recorded in {@code lockplane.migration_state}; stable across runs so an
 *     interrupted phase resumes
 * @param change the change
 * @param summary a one-line description, such as {@code rename of orders.total → amount}
 * @param expand the expand phase
 * @param migrate the migrate phase
 * @param contract the contract phase
 */
public record ExpandContractPlan(String id, Change change, String summary, PhasePlan expand, PhasePlan migrate,
    PhasePlan contract) {
  /** Validates the components. */
  public ExpandContractPlan {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(expand, "expand");
    Objects.requireNonNull(migrate, "migrate");
    Objects.requireNonNull(contract, "contract");
  }

  /**
   * Returns one phase.
   *
   * @param phase which
   * @return its plan
   */
  public PhasePlan phase(Phase phase) {
    return switch (phase) {
      case EXPAND -> expand;
      case MIGRATE -> migrate;
      case CONTRACT -> contract;
    };
  }

  /** Returns the three phases in order. */
  public List<PhasePlan> phases() {
    return List.of(expand, migrate, contract);
  }
}
