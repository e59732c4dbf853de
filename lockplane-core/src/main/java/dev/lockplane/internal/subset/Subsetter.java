package dev.lockplane.internal.subset;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.golden.Subset;
import java.time.Instant;

/** Loads a subset of a golden's source. (Placeholder: the subsetting work fills it in.) */
public final class Subsetter {
  private Subsetter() {}

  /**
   * Loads only the subset's rows of the source into the target.
   *
   * @param source the golden's source
   * @param subset which rows to keep
   * @param target the golden being built
   * @return the time the data is from, or null when unknown
   */
  public static Instant load(Golden source, Subset subset, GoldenTarget target) {
    throw new LockplaneException(ErrorCode.UNSUPPORTED, "Subsets are not available yet");
  }
}
