package dev.lockplane.internal.testkit;

import dev.lockplane.LockplaneException;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import dev.lockplane.clone.Golden;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Goldens of backups named in the configuration parameters ({@code lockplane.golden.NAME.backup}
 * and its companions). Loaded only when a source names a backup, so the testkit needs {@code
 * lockplane-backup} only then. A repository is opened once per JVM and stays open: a golden reads
 * it whenever a manager prepares it.
 */
final class BackupSources {
  private static final Map<String, BackupRepository> OPEN = new ConcurrentHashMap<>();

  private BackupSources() {}

  static Golden golden(String name, Function<String, Optional<String>> param, Function<String, String> env, String where) {
    String p = "lockplane.golden." + name + ".";
    String location = param.apply(p + "backup").orElseThrow();
    Optional<String> id = param.apply(p + "backup-id");
    Optional<String> before = param.apply(p + "backup-before");
    if (id.isPresent() && before.isPresent()) {
      throw new ExtensionConfigurationException("Configuration parameters " + p + "backup-id and " + p
          + "backup-before are both set: keep one.");
    }
    try {
      BackupRepository repo = OPEN.computeIfAbsent(location + "\n" + keysKey(p, param), k -> open(location, p, param, env));
      if (id.isPresent()) {
        return repo.golden(id.get());
      }
      if (before.isPresent()) {
        return repo.goldenBefore(time(p, before.get()));
      }
      return repo.latestGolden();
    } catch (LockplaneException e) {
      throw new ExtensionConfigurationException(where + ": golden source '" + name + "': " + e.getMessage(), e);
    }
  }

  private static String keysKey(String p, Function<String, Optional<String>> param) {
    return param.apply(p + "keyset-file").orElse("") + "\n" + param.apply(p + "keyset-env").orElse("");
  }

  private static BackupRepository open(
      String location, String p, Function<String, Optional<String>> param, Function<String, String> env) {
    BackupRepository.Builder b = location.startsWith("s3://") ? BackupRepository.at(URI.create(location))
        : BackupRepository.at(location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location));
    char[] passphrase = param.apply(p + "passphrase-env").map(v -> {
      String value = env.apply(v);
      if (value == null) {
        throw new ExtensionConfigurationException(p + "passphrase-env names the environment variable " + v
            + ", which is not set: export it before the tests run.");
      }
      return value.toCharArray();
    }).orElse(null);
    Optional<String> file = param.apply(p + "keyset-file");
    Optional<String> keysetEnv = param.apply(p + "keyset-env");
    if (file.isPresent() && keysetEnv.isPresent()) {
      throw new ExtensionConfigurationException("Configuration parameters " + p + "keyset-file and " + p
          + "keyset-env are both set: keep one.");
    }
    if (file.isPresent()) {
      Path f = Path.of(file.get());
      b.encryptWith(passphrase == null ? Keyset.fromFile(f) : Keyset.fromFile(f, passphrase));
    } else if (keysetEnv.isPresent()) {
      String json = env.apply(keysetEnv.get());
      if (json == null) {
        throw new ExtensionConfigurationException(p + "keyset-env names the environment variable " + keysetEnv.get()
            + ", which is not set: export the keyset JSON in it.");
      }
      b.encryptWith(Keyset.parse(json, passphrase));
    } else {
      b.unencrypted();
    }
    return b.open();
  }

  private static Instant time(String p, String value) {
    try {
      return OffsetDateTime.parse(value.trim().replace(' ', 'T')).toInstant();
    } catch (DateTimeParseException e) {
      throw new ExtensionConfigurationException("Configuration parameter " + p + "backup-before = '" + value
          + "' is not a time such as 2026-11-30T10:15:00Z.");
    }
  }
}
