package dev.lockplane.internal.backup;

import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.internal.postgres.ClusterCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a restored data directory one that {@code LocalPostgres} can start: it reads the settings
 * Lockplane writes before each start, and when the source was not a Lockplane cluster (its
 * superuser's password is unknown), the first start trusts connections from 127.0.0.1 just long
 * enough for Lockplane to set a fresh password; {@link #finish} then requires passwords again.
 */
public final class ForeignCluster {
  private static final String FIRST_START_HBA = """
      # Written by Lockplane for the first start of a recovered cluster only.
      local all all trust
      host all all 127.0.0.1/32 trust
      """;
  // md5 accepts passwords stored as SCRAM too, so the source's password_encryption does not matter
  private static final String HBA = """
      # Written by Lockplane: the recovered cluster is reached with passwords only.
      local all all trust
      host all all 127.0.0.1/32 md5
      host all all ::1/128 md5
      """;

  private ForeignCluster() {}

  /**
   * Prepares a restored data directory for its first start.
   *
   * @param data the data directory
   * @throws IOException when a file cannot be written
   * @return whether the cluster is foreign and {@link #finish} must run after the first start
   */
  public static boolean prepare(Path data) throws IOException {
    Path conf = data.resolve("postgresql.conf");
    String text = Files.isRegularFile(conf) ? Files.readString(conf, StandardCharsets.UTF_8) : "";
    if (!text.contains(ClusterCache.SETTINGS_FILE)) {
      // Debian keeps postgresql.conf in /etc: the backup has none, or one without Lockplane's include
      Files.writeString(conf, text + "\n# Lockplane writes the settings of each start into this file.\n"
          + "include_if_exists = '" + ClusterCache.SETTINGS_FILE + "'\n", StandardCharsets.UTF_8);
    }
    boolean foreign = !Files.isRegularFile(data.resolve(ClusterCache.PASSWORD_FILE));
    if (foreign) {
      Files.writeString(data.resolve(ClusterCache.PASSWORD_FILE), ClusterCache.newPassword(), StandardCharsets.UTF_8);
      Files.writeString(data.resolve("lockplane.rotate"), "1");
      Files.writeString(data.resolve("pg_hba.conf"), FIRST_START_HBA, StandardCharsets.UTF_8);
    }
    return foreign;
  }

  /**
   * Requires passwords over TCP again after the first start of a foreign cluster.
   *
   * @param data the data directory
   * @throws IOException when a file cannot be written
   */
  public static void finish(Path data) throws IOException {
    Path hba = data.resolve("pg_hba.conf");
    Files.writeString(hba, HBA, StandardCharsets.UTF_8);
    OsUser owner = Posix.serverUser(null);
    Posix.chmod(hba, "rw-------");
    Posix.chown(hba, owner);
  }
}
