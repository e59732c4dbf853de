package dev.lockplane.internal.spring;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM's embedded servers (one per major version) and the goldens prepared on them (one per
 * distinct migration content). Spring test contexts come and go; these stay for the whole test
 * run and are stopped by the runtime's shutdown hook.
 */
final class Goldens {
  private static final Map<Integer, LocalPostgres> SERVERS = new ConcurrentHashMap<>();
  private static final Map<String, CloneManager> MANAGERS = new ConcurrentHashMap<>();

  private Goldens() {}

  /** Returns the clone manager of a golden, preparing it on first use. */
  static CloneManager clones(int version, Golden golden) {
    if (version < 13 || version > 18) {
      throw new IllegalArgumentException("PostgreSQL " + version + " is not supported; choose a major version from 13 to 18.");
    }
    // the golden's own hash: Flyway and Liquibase checksums are added when the golden is prepared,
    // and migrations do not change while a test JVM runs
    return MANAGERS.computeIfAbsent(version + "|" + golden.contentHash(), k -> {
      LocalPostgres pg = SERVERS.computeIfAbsent(version, v -> LocalPostgres.builder().version(v).start());
      String prefix = "lps" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
      return CloneManagers.prefetching(CloneManagers.databases(pg).golden(golden).databasePrefix(prefix).start(), 1);
    });
  }
}
