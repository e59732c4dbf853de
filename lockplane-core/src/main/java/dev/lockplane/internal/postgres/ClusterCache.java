package dev.lockplane.internal.postgres;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.OsUser;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.postgres.Installation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Initialized clusters, made once by {@code initdb} per (binaries, superuser, server user) and
 * copied for every new data directory: a copy costs far less than {@code initdb}.
 */
public final class ClusterCache {
  /** The file, inside a data directory, holding the superuser's password. */
  public static final String PASSWORD_FILE = "lockplane.password";
  /** The settings file, inside a data directory, that Lockplane writes before every start. */
  public static final String SETTINGS_FILE = "lockplane.conf";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path cacheDir;

  /**
   * Creates a cache.
   *
   * @param cacheDir the shared cache directory
   */
  public ClusterCache(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** Returns a new random password of 24 hex characters. */
  public static String newPassword() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * Makes {@code dataDir} a fresh cluster: a copy of the cached one, made first if needed, with a
   * system identifier of its own (as if {@code initdb} had made it), so that WAL archives, backups
   * and recovery tell it apart from every other cluster copied from the same template.
   *
   * @param inst the binaries
   * @param superuser the superuser's name
   * @param user the account the server runs as
   * @param dataDir the data directory to create; it must not exist or be empty
   */
  public void createDataDirectory(Installation inst, String superuser, OsUser user, Path dataDir) {
    Path template = template(inst, superuser, user);
    try {
      if (Files.isDirectory(dataDir)) {
        try (var s = Files.list(dataDir)) {
          if (s.findAny().isPresent()) {
            throw new LockplaneException(
                ErrorCode.INVALID_CONFIGURATION,
                "Data directory " + dataDir + " is not empty and holds no cluster (no PG_VERSION)."
                    + " Name an empty directory or an existing PostgreSQL data directory.");
          }
        }
        Files.delete(dataDir);
      }
      Files.createDirectories(dataDir.getParent());
      FileTrees.copy(template, dataDir);
      try {
        SystemIdentifier.renew(dataDir);
      } catch (RuntimeException e) {
        FileTrees.deleteQuietly(dataDir);
        throw e;
      }
      Posix.chownTree(dataDir, user);
      Posix.chmod(dataDir, "rwx------");
    } catch (IOException e) {
      FileTrees.deleteQuietly(dataDir);
      throw ioFailure("Cannot create data directory " + dataDir, dataDir, e);
    }
  }

  /**
   * Translates an I/O failure, recognizing a full disk.
   *
   * @param what what was being done
   * @param where the path concerned
   * @param e the failure
   * @return the exception to throw
   */
  public static LockplaneException ioFailure(String what, Path where, IOException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")) {
      long free = -1;
      try {
        Path p = where;
        while (p != null && !Files.exists(p)) {
          p = p.getParent();
        }
        if (p != null) {
          free = Files.getFileStore(p).getUsableSpace();
        }
      } catch (IOException ignored) {
        // the figure is only a help
      }
      return new LockplaneException(
          ErrorCode.DISK_FULL,
          what + ": the filesystem is full (" + (free >= 0 ? free / (1024 * 1024) + " MiB free" : "no space left")
              + "). Free space there or choose another directory.",
          e);
    }
    return new LockplaneException(ErrorCode.IO_ERROR, what + ": " + e, e);
  }

  private Path template(Installation inst, String superuser, OsUser user) {
    String key = key(inst, superuser, user);
    Path dir = cacheDir.resolve("clusters").resolve(key);
    if (Files.isRegularFile(dir.resolve("PG_VERSION"))) {
      return dir;
    }
    Path tmp = dir.resolveSibling(key + ".tmp-" + UUID.randomUUID());
    try {
      LockplaneDirectories.ensureShared(cacheDir);
      LockplaneDirectories.ensureShared(dir.getParent());
      Files.createDirectories(tmp);
      Posix.chown(tmp, user);
      Path pwfile = tmp.resolve("pwfile");
      String password = newPassword();
      Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
      Posix.chown(pwfile, user);
      Path data = tmp.resolve("data");
      List<String> cmd = new ArrayList<>(Posix.runAs(user));
      cmd.addAll(
          List.of(
              inst.binDirectory().resolve("initdb").toString(),
              "-D", data.toString(),
              "-U", superuser,
              "-E", "UTF8",
              "--locale=C",
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "--pwfile=" + pwfile,
              "--no-sync"));
      if (inst.majorVersion() >= 14) {
        cmd.add("--no-instructions"); // PostgreSQL 13's initdb does not know it
      }
      ProcessRunner.Result r =
          ProcessRunner.run(cmd, tmp, Map.of("LC_ALL", "C", "TZ", "UTC"), Duration.ofMinutes(5));
      if (!r.ok()) {
        String out = r.output();
        if (out.contains("No space left on device")) {
          throw new LockplaneException(
              ErrorCode.DISK_FULL,
              "initdb ran out of disk space in " + tmp + ". Free space there or set -Dlockplane.cache.");
        }
        throw new LockplaneException(
            ErrorCode.SERVER_START_FAILED,
            "initdb failed (exit " + r.exitCode() + ") for PostgreSQL " + inst.version() + " from "
                + inst.source() + ":\n" + out.strip());
      }
      Files.writeString(
          data.resolve("postgresql.conf"),
          "\n# Lockplane writes the settings of each start into this file.\ninclude_if_exists = '"
              + SETTINGS_FILE + "'\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      Path pw = data.resolve(PASSWORD_FILE);
      Files.writeString(pw, password, StandardCharsets.UTF_8);
      Posix.chmod(pw, "rw-------");
      Posix.chown(pw, user);
      try {
        Files.move(data, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileSystemException raced) {
        // rename(2) onto a non-empty directory fails when another JVM made the same template first
        if (!Files.isRegularFile(dir.resolve("PG_VERSION"))) {
          throw raced;
        }
      }
      return dir;
    } catch (IOException e) {
      throw ioFailure("Cannot prepare the cached cluster " + dir, dir, e);
    } finally {
      FileTrees.deleteQuietly(tmp);
    }
  }

  private static String key(Installation inst, String superuser, OsUser user) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      String k = inst.binDirectory() + "\n" + inst.version() + "\n" + superuser + "\n" + user.uid() + "\nv1";
      byte[] d = md.digest(k.getBytes(StandardCharsets.UTF_8));
      return "pg" + inst.majorVersion() + "-" + HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
