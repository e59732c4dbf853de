package dev.lockplane.internal.clone;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import java.util.regex.Pattern;

/**
 * The one rule for clone and snapshot names, shared by every clone manager: short, lower-case, safe
 * as a database name, a dataset name and a directory name alike.
 */
public final class CloneNames {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

  private CloneNames() {}

  /**
   * Checks a name.
   *
   * @param name the name the user chose
   * @param kind what it names, such as {@code clone} or {@code snapshot}, for the message
   * @throws CloneException when it breaks the rule
   */
  public static void check(String name, String kind) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new CloneException(ErrorCode.INVALID_CONFIGURATION, String.valueOf(name),
          "'" + name + "' is not a valid " + kind + " name: use 1 to 40 lower-case letters, digits, '_' or"
              + " '-', starting with a letter.", null);
    }
  }
}
