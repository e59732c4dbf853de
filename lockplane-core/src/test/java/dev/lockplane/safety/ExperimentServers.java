package dev.lockplane.safety;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Path;

/**
 * The servers the lock experiments run on: the shared PostgreSQL 18 and one PostgreSQL 15 started
 * on first use (the older version is where lock behaviour differs), stopped by {@link #stopOlder()}.
 */
final class ExperimentServers {
  static final int OLDER = 15;
  private static volatile LocalPostgres older;

  private ExperimentServers() {}

  static synchronized void stopOlder() {
    if (older != null) {
      older.close();
      older = null;
    }
  }

  static LocalPostgres get(int major) {
    if (major == LocalPostgres.DEFAULT_VERSION) {
      return SharedPostgres.get();
    }
    if (major != OLDER) {
      throw new IllegalArgumentException("no experiment server for " + major);
    }
    LocalPostgres s = older;
    if (s == null) {
      synchronized (ExperimentServers.class) {
        s = older;
        if (s == null) {
          Path extra = Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries"));
          s = LocalPostgres.builder().version(OLDER).binariesFrom(extra).start();
          older = s;
        }
      }
    }
    return s;
  }
}
