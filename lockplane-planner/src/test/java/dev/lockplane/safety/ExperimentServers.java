package dev.lockplane.safety;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers the lock experiments run on: the shared PostgreSQL 18 and an older one started on
 * first use (15 by default, where lock behaviour differs; {@code -Dlockplane.experiments.older=13}
 * runs them on another), stopped by {@link #stopOlder()}.
 */
final class ExperimentServers {
  static final int OLDER = Integer.getInteger("lockplane.experiments.older", 15);
  private static final Map<Integer, LocalPostgres> OLDER_SERVERS = new ConcurrentHashMap<>();

  private ExperimentServers() {}

  static synchronized void stopOlder() {
    OLDER_SERVERS.values().forEach(LocalPostgres::close);
    OLDER_SERVERS.clear();
  }

  static LocalPostgres get(int major) {
    if (major == LocalPostgres.DEFAULT_VERSION) {
      return SharedPostgres.get();
    }
    synchronized (ExperimentServers.class) {
      return OLDER_SERVERS.computeIfAbsent(major, v -> {
        Path extra = Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries"));
        return LocalPostgres.builder().version(v).binariesFrom(extra).start();
      });
    }
  }
}
