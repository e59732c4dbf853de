package dev.lockplane.internal.backup;

/**
 * What object keys and manifest paths may look like. A manifest is data anyone with write access
 * to the repository can forge (its checksum is not a signature), so every key and path it names is
 * checked before it reaches the filesystem.
 */
public final class ObjectKeys {
  private ObjectKeys() {}

  /**
   * Returns whether a key is a relative slash-separated path without empty, {@code .} or
   * {@code ..} segments, backslashes or NUL: one that stays inside the repository.
   *
   * @param key the key
   * @return whether it is safe
   */
  public static boolean isSafe(String key) {
    return isRelativePath(key);
  }

  /**
   * Returns whether a manifest path is relative and stays inside the directory it is resolved in.
   *
   * @param path the path
   * @return whether it is safe
   */
  public static boolean isRelativePath(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0) {
      return false;
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns whether a key names a data object of the given backup, the only objects a manifest may
   * refer to.
   *
   * @param backupId the backup id
   * @param key the key
   * @return whether the key is a data object of that backup
   */
  public static boolean isDataObjectOf(String backupId, String key) {
    String prefix = DataWriter.prefix(backupId) + "data/";
    return isSafe(key) && key.startsWith(prefix) && key.indexOf('/', prefix.length()) < 0 && key.length() > prefix.length();
  }

  /**
   * Returns the id of the backup a data object belongs to: the objects of an incremental backup's
   * chain are encrypted with their own backup's id as associated data.
   *
   * @param key a data object key, {@code backups/ID/data/N}
   * @param fallback the id returned for a key of another shape
   * @return the owning backup's id
   */
  public static String ownerOf(String key, String fallback) {
    String prefix = "backups/";
    if (!key.startsWith(prefix)) {
      return fallback;
    }
    int slash = key.indexOf('/', prefix.length());
    return slash < 0 ? fallback : key.substring(prefix.length(), slash);
  }
}
