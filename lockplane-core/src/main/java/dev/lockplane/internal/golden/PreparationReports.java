package dev.lockplane.internal.golden;

import dev.lockplane.golden.MaskingReport;
import dev.lockplane.golden.SubsetReport;
import dev.lockplane.internal.mask.MaskingReports;
import dev.lockplane.internal.subset.SubsetReports;
import java.util.Optional;

/**
 * The reports of a golden's preparation stages (subset, masking), collected while it is built so
 * that the clone manager can keep them with the golden's record. Thread-safe.
 */
public final class PreparationReports {
  private MaskingReport masking;
  private SubsetReport subset;

  /** Receives the masking report. */
  synchronized void masking(MaskingReport report) {
    this.masking = report;
  }

  /** Receives the subset report. */
  synchronized void subset(SubsetReport report) {
    this.subset = report;
  }

  /**
   * Returns the masking report, when the golden was masked.
   *
   * @return the report, or empty
   */
  public synchronized Optional<MaskingReport> masking() {
    return Optional.ofNullable(masking);
  }

  /**
   * Returns the subset report, when the golden is a subset.
   *
   * @return the report, or empty
   */
  public synchronized Optional<SubsetReport> subset() {
    return Optional.ofNullable(subset);
  }

  /**
   * Returns the masking report as JSON, the form records keep it in.
   *
   * @return the JSON text, or null when the golden was not masked
   */
  public synchronized String maskingJson() {
    return masking == null ? null : MaskingReports.toJson(masking);
  }

  /**
   * Returns the subset report as JSON, the form records keep it in.
   *
   * @return the JSON text, or null when the golden is not a subset
   */
  public synchronized String subsetJson() {
    return subset == null ? null : SubsetReports.toJson(subset);
  }

  /**
   * Reads a masking report kept as JSON.
   *
   * @param json the JSON text, or null
   * @return the report, or empty when there is none or it cannot be read
   */
  public static Optional<MaskingReport> maskingFromJson(String json) {
    return MaskingReports.fromJson(json);
  }

  /**
   * Reads a subset report kept as JSON.
   *
   * @param json the JSON text, or null
   * @return the report, or empty when there is none or it cannot be read
   */
  public static Optional<SubsetReport> subsetFromJson(String json) {
    return SubsetReports.fromJson(json);
  }
}
