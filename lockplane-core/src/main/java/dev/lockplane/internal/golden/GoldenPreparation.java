package dev.lockplane.internal.golden;

import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.golden.Masking;
import dev.lockplane.internal.mask.Masker;
import dev.lockplane.internal.subset.Subsetter;
import java.time.Instant;

/**
 * The golden pipeline's stages between source and snapshot: source → subset → mask. Both stages
 * run in the private golden being built, so nothing they remove reaches a snapshot.
 */
public final class GoldenPreparation {
  private GoldenPreparation() {}

  /**
   * Loads a prepared golden into the target: its source (only the subset's rows when there is one),
   * then the masking.
   *
   * @param p the prepared golden
   * @param target the database being built; for a {@link Golden.FromDatabase} source it already
   *     holds the copy the server made
   * @param reports receives the subset's and the masking's reports
   * @return the time the data is from, or null when unknown
   */
  static Instant load(Golden.Prepared p, GoldenTarget target, PreparationReports reports) {
    Instant at;
    if (p.subset() != null) {
      at = Subsetter.load(p.source(), p.subset(), target, reports::subset);
    } else {
      at = p.source() instanceof Golden.FromDatabase ? null : LogicalLoaders.load(p.source(), target);
    }
    if (p.masking() != null) {
      reports.masking(Masker.mask(p.masking(), target));
    }
    return at;
  }

  /**
   * Masks a golden whose data is already loaded (a physical copy that runs privately).
   *
   * @param masking the rules
   * @param target the golden's database
   * @param reports receives the masking report
   */
  public static void mask(Masking masking, GoldenTarget target, PreparationReports reports) {
    reports.masking(Masker.mask(masking, target));
  }
}
