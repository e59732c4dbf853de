package dev.lockplane.internal.postgres;

import dev.lockplane.internal.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Lockplane keeps its files. The cache (unpacked binaries, initialized clusters) is shared
 * across JVMs; the runtime directory holds running servers. When the JVM is root both live outside
 * root's home, because the unprivileged server user must be able to reach them.
 */
public final class LockplaneDirectories {
  private LockplaneDirectories() {}

  /**
   * The cache directory: system property {@code lockplane.cache}, environment variable
   * {@code LOCKPLANE_CACHE}, {@code /var/cache/lockplane} for root, else
   * {@code $XDG_CACHE_HOME/lockplane} or {@code ~/.cache/lockplane}.
   */
  public static Path cache() {
    String configured = System.getProperty("lockplane.cache", System.getenv("LOCKPLANE_CACHE"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    if (Posix.isRoot()) {
      return Path.of("/var/cache/lockplane");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "lockplane");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "lockplane");
  }

  /**
   * The runtime directory for servers this user starts: system property {@code lockplane.runtime},
   * else {@code java.io.tmpdir/lockplane-UID}.
   */
  public static Path runtime() {
    String configured = System.getProperty("lockplane.runtime");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "lockplane-" + Posix.euid());
  }

  /**
   * The runtime directory of one copy-on-write storage ({@code runtime()/cow-HASH}): its store lock and
   * the locks of the base volumes restored into it, shared by every process that uses the storage.
   *
   * @param storageId the storage's identity
   * @return the directory (not created)
   */
  public static Path storageRuntime(String storageId) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(storageId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return runtime().resolve("cow-" + java.util.HexFormat.of().formatHex(d, 0, 6));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates a directory (and parents) that other users may traverse and read, as the unprivileged
   * server user needs.
   *
   * @param dir the directory
   * @return the directory
   * @throws IOException on failure
   */
  public static Path ensureShared(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (Posix.isRoot()) {
      Posix.chmod(dir, "rwxr-xr-x");
    }
    return dir;
  }
}
