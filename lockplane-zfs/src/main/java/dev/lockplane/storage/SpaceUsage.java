package dev.lockplane.storage;

/**
 * The space a volume takes on its store.
 *
 * @param used the bytes only this volume holds: blocks it wrote after it was cloned (ZFS
 *     {@code used}; for reflink the extents not shared with another file; for a copy, all of them)
 * @param referenced the bytes the volume's files refer to, shared or not (ZFS {@code referenced}; the
 *     allocated size of the files elsewhere)
 */
public record SpaceUsage(long used, long referenced) {
  /** Validates the figures. */
  public SpaceUsage {
    if (used < 0 || referenced < 0) {
      throw new IllegalArgumentException("negative space: used " + used + ", referenced " + referenced);
    }
  }
}
