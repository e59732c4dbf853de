package dev.lockplane.migrate;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where a multi-phase migration stands, as recorded in {@code lockplane.migration_state}.
 *
 * @param migrationId the migration
 * @param summary the change, such as {@code rename of orders.total → amount}
 * @param phases expand, migrate and contract, in that order
 */
public record MigrationStatus(String migrationId, String summary, List<PhaseState> phases) {
  /** Validates and copies the components. */
  public MigrationStatus {
    Objects.requireNonNull(migrationId, "migrationId");
    Objects.requireNonNull(summary, "summary");
    phases = List.copyOf(phases);
    if (phases.size() != 3) {
      throw new IllegalArgumentException("a migration status has three phases, not " + phases.size());
    }
  }

  /**
   * Returns one phase's state.
   *
   * @param phase which
   * @return its state
   */
  public PhaseState phase(Phase phase) {
    return phases.get(phase.ordinal());
  }

  /**
   * Returns one line for terminals, such as
   * {@code rename of orders.total → amount: expand done, migrate 43 % (resumable), contract pending};
   * for a standalone backfill only its phase, such as {@code backfill of events (n = n + 1): migrate done}.
   */
  public String describe() {
    if (isStandaloneBackfill()) {
      return summary + ": " + phase(Phase.MIGRATE).describe();
    }
    return summary + ": " + phases.stream().map(PhaseState::describe).collect(Collectors.joining(", "));
  }

  /**
   * Returns whether only the migrate phase was ever recorded: a backfill run on its own
   * ({@link ExpandContractRunner#backfill}), since a plan always records expand first.
   */
  public boolean isStandaloneBackfill() {
    return phase(Phase.EXPAND).startedAt().isEmpty() && phase(Phase.CONTRACT).startedAt().isEmpty()
        && phase(Phase.MIGRATE).startedAt().isPresent();
  }
}
