package dev.lockplane.safety;

import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.TableEffect;
import java.util.List;
import java.util.Objects;

/**
 * What one kind of statement does on one PostgreSQL major version.
 *
 * @param kind the kind of statement
 * @param ruleId a stable identifier for findings and suppressions, such as {@code add-column-volatile-default}
 * @param locks the locks it takes, one per relation role, strongest mode per relation
 * @param effect whether it scans or rewrites the table
 * @param transactional whether it may run inside a transaction block
 * @param risk its risk class
 * @param message what happens, in one or two sentences
 * @param saferAlternative how to get the same result with weaker or shorter locks; empty when it is already safe
 * @param example the statement as the lock experiments run it, against their example schema
 */
public record CatalogueEntry(
    DdlKind kind,
    String ruleId,
    List<RelationLock> locks,
    TableEffect effect,
    boolean transactional,
    RiskClass risk,
    String message,
    String saferAlternative,
    String example) {
  /** Validates and copies the components. */
  public CatalogueEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ruleId, "ruleId");
    locks = List.copyOf(locks);
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(saferAlternative, "saferAlternative");
    Objects.requireNonNull(example, "example");
  }

  /** Returns the strongest mode among the locks, or {@code ACCESS_SHARE} when it locks no relation. */
  public LockMode strongestLock() {
    return locks.stream().map(RelationLock::mode).reduce(LockMode.ACCESS_SHARE, LockMode::max);
  }

  /**
   * Returns the mode it takes on a role's relation.
   *
   * @param role such as {@code table}
   * @return the mode, or {@code null} when it locks no relation in that role
   */
  public LockMode lockOn(String role) {
    return locks.stream().filter(l -> l.role().equals(role)).map(RelationLock::mode).findFirst().orElse(null);
  }

  /** Returns this entry as a finding for a step. */
  public Finding finding() {
    return new Finding(ruleId, risk, message, saferAlternative);
  }
}
