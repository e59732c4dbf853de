package dev.lockplane.safety;

import dev.lockplane.internal.safety.ReportRenderer;
import dev.lockplane.plan.LockMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The measured result of a shadow validation: every step and rollback step, and whether the rollback
 * brought the schema back to the source's.
 *
 * @param cloneName the name of the clone the steps ran on (destroyed afterwards)
 * @param serverVersion the server's major version
 * @param steps the steps, in order; after a failure, the steps that did not run are absent
 * @param rollback the rollback steps; empty when a step failed (the rollback is then not attempted)
 * @param sourceFingerprint the SHA-256 schema fingerprint of the source
 * @param rolledBackFingerprint the fingerprint after the rollback, when it ran to the end
 */
public record ValidationReport(
    String cloneName,
    int serverVersion,
    List<StepResult> steps,
    List<StepResult> rollback,
    String sourceFingerprint,
    Optional<String> rolledBackFingerprint) {
  /** Validates and copies the components. */
  public ValidationReport {
    Objects.requireNonNull(cloneName, "cloneName");
    steps = List.copyOf(steps);
    rollback = List.copyOf(rollback);
    Objects.requireNonNull(sourceFingerprint, "sourceFingerprint");
    Objects.requireNonNull(rolledBackFingerprint, "rolledBackFingerprint");
  }

  /** Returns whether every step succeeded. */
  public boolean stepsSucceeded() {
    return steps.stream().allMatch(StepResult::succeeded);
  }

  /** Returns whether the rollback ran to the end and the schema fingerprint equals the source's again. */
  public boolean rollbackRestoresSchema() {
    return rollback.stream().allMatch(StepResult::succeeded)
        && rolledBackFingerprint.map(sourceFingerprint::equals).orElse(false);
  }

  /** Returns whether the plan is proven: all steps succeeded and the rollback restores the schema. */
  public boolean passed() {
    return stepsSucceeded() && rollbackRestoresSchema();
  }

  /**
   * Asserts, for tests and CI, that no step held a lock of at least {@code mode} on any relation for
   * longer than {@code max}, and that every step succeeded.
   *
   * @param mode the weakest mode that counts, e.g. {@link LockMode#SHARE} (blocks writes) or {@link
   *     LockMode#ACCESS_EXCLUSIVE} (blocks reads)
   * @param max the longest accepted hold
   * @return this report
   * @throws AssertionError naming each offending step, relation, mode and measured duration
   */
  public ValidationReport assertNoLockLongerThan(LockMode mode, java.time.Duration max) {
    java.util.Objects.requireNonNull(mode, "mode");
    java.util.Objects.requireNonNull(max, "max");
    List<String> bad = new java.util.ArrayList<>();
    for (StepResult r : steps) {
      r.error().ifPresent(e -> bad.add("step " + r.number() + " failed: " + e));
      for (LockHold h : r.locks()) {
        if (h.mode().compareTo(mode) >= 0 && h.heldFor().compareTo(max) > 0) {
          bad.add("step " + r.number() + " (" + r.step().sql() + ") held " + h.mode().sqlName() + " on " + h.relation()
              + " for " + h.heldFor().toMillis() + " ms");
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new AssertionError("Expected no " + mode.sqlName() + " (or stronger) lock held longer than "
          + max.toMillis() + " ms, but:\n  - " + String.join("\n  - ", bad));
    }
    return this;
  }

  /**
   * Asserts that no step held an {@code ACCESS EXCLUSIVE} lock longer than {@code max} (see {@link
   * #assertNoLockLongerThan(LockMode, java.time.Duration)}).
   *
   * @param max the longest accepted hold
   * @return this report
   */
  public ValidationReport assertNoLockLongerThan(java.time.Duration max) {
    return assertNoLockLongerThan(LockMode.ACCESS_EXCLUSIVE, max);
  }

  /**
   * Renders the report.
   *
   * @param format text, JSON or Markdown
   * @return the rendering; deterministic for equal reports
   */
  public String render(ReportFormat format) {
    return switch (format) {
      case TEXT -> ReportRenderer.text(this);
      case JSON -> ReportRenderer.json(this);
      case MARKDOWN -> ReportRenderer.markdown(this);
    };
  }

  @Override
  public String toString() {
    return render(ReportFormat.TEXT);
  }
}
