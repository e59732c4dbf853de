package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.internal.postgres.ClusterCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Makes a data directory copied from another server (a base backup, a restored physical backup)
 * one that {@code LocalPostgres} can run: owned by the server's account with PostgreSQL's modes,
 * reading the settings Lockplane writes before each start, and — when the source was not made by
 * Lockplane — with a superuser password Lockplane knows.
 *
 * <p>A foreign cluster's superuser password is unknown, so its first start trusts connections from
 * 127.0.0.1 just long enough for the server to set a fresh password (the rotation every fresh
 * Lockplane cluster gets); {@link #finish} then puts password authentication back before the golden
 * is snapshotted, so no clone ever trusts a TCP connection.
 */
final class ClusterAdoption {
  private static final String ROTATE_MARKER = "lockplane.rotate";
  private static final String FIRST_START_HBA = """
      # Written by Lockplane for the first start of a copied cluster only.
      local all all trust
      host all all 127.0.0.1/32 trust
      """;
  // md5 accepts passwords stored as SCRAM too, so the source's password_encryption does not matter
  private static final String HBA = """
      # Written by Lockplane: the golden and its clones are reached with passwords only.
      local all all trust
      host all all 127.0.0.1/32 md5
      host all all ::1/128 md5
      """;

  private ClusterAdoption() {}

  /**
   * Prepares a copied data directory for its first start.
   *
   * @return whether the cluster was foreign (not made by Lockplane) and {@link #finish} must run
   *     after the first start
   */
  static boolean prepare(Path data) {
    try {
      OsUser owner = Posix.serverUser(null);
      // backups carry no postmaster.pid, but a copy of a running standby may
      Files.deleteIfExists(data.resolve("postmaster.pid"));
      Path conf = data.resolve("postgresql.conf");
      String text = Files.isRegularFile(conf) ? Files.readString(conf, StandardCharsets.UTF_8) : "";
      if (!text.contains(ClusterCache.SETTINGS_FILE)) {
        // Debian keeps postgresql.conf in /etc: the copy has none, or one without Lockplane's include
        Files.writeString(conf, text + "\n# Lockplane writes the settings of each start into this file.\n"
            + "include_if_exists = '" + ClusterCache.SETTINGS_FILE + "'\n", StandardCharsets.UTF_8);
      }
      Path pw = data.resolve(ClusterCache.PASSWORD_FILE);
      if (Files.isSymbolicLink(pw)) {
        // a standby's link to a password kept outside the volume: never write through it
        Files.delete(pw);
      }
      boolean foreign = !Files.isRegularFile(pw);
      if (foreign) {
        Files.writeString(data.resolve(ClusterCache.PASSWORD_FILE), ClusterCache.newPassword(), StandardCharsets.UTF_8);
        Files.writeString(data.resolve(ROTATE_MARKER), "1");
        Files.writeString(data.resolve("pg_hba.conf"), FIRST_START_HBA, StandardCharsets.UTF_8);
      }
      try (Stream<Path> s = Files.walk(data)) {
        for (Path p : s.toList()) {
          if (!Files.isSymbolicLink(p)) {
            Posix.chmod(p, Files.isDirectory(p) ? "rwx------" : "rw-------");
          }
        }
      }
      Posix.chownTree(data, owner);
      return foreign;
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot prepare the copied data directory " + data + ": " + e, e);
    }
  }

  /**
   * Prepares a base backup to run as a hot standby that Lockplane reads as the replication role:
   * only that role may log in over TCP, with its password on the source, which the standby has too
   * (roles replicate). Lockplane's password file is a link to {@code passwordFile}, outside the
   * volume, so no snapshot of the standby holds the password.
   */
  static void prepareStandby(Path data, String role, Path passwordFile) {
    prepare(data);
    try {
      Files.deleteIfExists(data.resolve(ROTATE_MARKER));
      Path pw = data.resolve(ClusterCache.PASSWORD_FILE);
      Files.deleteIfExists(pw);
      Files.createSymbolicLink(pw, passwordFile);
      Path hba = data.resolve("pg_hba.conf");
      Files.writeString(hba, "# Written by Lockplane: only the replication role reads the standby's state.\n"
          + "host all " + dev.lockplane.internal.sql.Identifiers.quote(role) + " 127.0.0.1/32 md5\n", StandardCharsets.UTF_8);
      Path signal = data.resolve("standby.signal");
      Files.writeString(signal, "");
      OsUser owner = Posix.serverUser(null);
      for (Path p : new Path[] {hba, signal}) {
        Posix.chmod(p, "rw-------");
        Posix.chown(p, owner);
      }
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot prepare the standby data directory " + data + ": " + e, e);
    }
  }

  /** Puts password authentication in place after the first start of a foreign cluster. */
  static void finish(Path data) {
    try {
      Path hba = data.resolve("pg_hba.conf");
      Files.writeString(hba, HBA, StandardCharsets.UTF_8);
      Posix.chmod(hba, "rw-------");
      Posix.chown(hba, Posix.serverUser(null));
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot write " + data.resolve("pg_hba.conf") + ": " + e, e);
    }
  }
}
