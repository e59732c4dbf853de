package dev.lockplane.internal.storage;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.util.regex.Pattern;

/** Validation of volume and snapshot names, shared by every storage. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

  private Names() {}

  /**
   * Checks a volume or snapshot name.
   *
   * @param kind "volume" or "snapshot", for the message
   * @param name the name
   * @return the name
   */
  public static String check(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw new LockplaneException(
          ErrorCode.INVALID_CONFIGURATION,
          "'" + name + "' is not a valid " + kind + " name: use 1 to 64 characters of a-z 0-9 _ . -,"
              + " starting with a letter or digit.");
    }
    return name;
  }
}
