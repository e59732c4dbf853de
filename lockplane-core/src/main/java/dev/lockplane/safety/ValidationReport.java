package dev.lockplane.safety;

import dev.lockplane.internal.safety.ReportRenderer;
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
