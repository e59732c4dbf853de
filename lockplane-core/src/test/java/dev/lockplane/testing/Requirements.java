package dev.lockplane.testing;

import dev.lockplane.internal.os.Posix;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose machine cannot provide what it needs (root, loop devices, ZFS), with the reason
 * — and fails it instead when {@code LOCKPLANE_REQUIRE_COW=1}, as the project's CI sets, so that a
 * missing install step cannot hide behind a skip.
 */
public final class Requirements {
  private Requirements() {}

  /** Returns whether skips must become failures. */
  public static boolean strict() {
    return "1".equals(System.getenv("LOCKPLANE_REQUIRE_COW"));
  }

  /**
   * Requires a condition.
   *
   * @param available whether the machine provides it
   * @param reason what is missing and how to provide it
   */
  public static void require(boolean available, String reason) {
    if (available) {
      return;
    }
    if (strict()) {
      throw new AssertionError("LOCKPLANE_REQUIRE_COW=1 but this machine cannot run the test: " + reason);
    }
    Assumptions.abort(reason);
  }

  /** Requires that the JVM runs as root. */
  public static void requireRoot() {
    require(Posix.isRoot(), "needs root (loop mounts, other users' processes); run as root to include it");
  }
}
