package dev.lockplane.internal.mask;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.golden.Masking;

/** Masks a golden being built. (Placeholder: the masking work fills it in.) */
public final class Masker {
  private Masker() {}

  /**
   * Masks the target database in place.
   *
   * @param masking the rules
   * @param target the golden being built
   */
  public static void mask(Masking masking, GoldenTarget target) {
    throw new LockplaneException(ErrorCode.UNSUPPORTED, "Masking is not available yet");
  }
}
