package dev.lockplane.testing;

import dev.lockplane.postgres.LocalPostgres;

/**
 * The one PostgreSQL server of a test JVM. Tests isolate themselves with the project's own clones
 * (or with databases of their own), never with a server each. Stopped by the runtime's shutdown hook.
 */
public final class SharedPostgres {
  private static volatile LocalPostgres server;

  private SharedPostgres() {}

  /** Returns the shared server, starting it on first use. */
  public static LocalPostgres get() {
    LocalPostgres s = server;
    if (s == null) {
      synchronized (SharedPostgres.class) {
        s = server;
        if (s == null) {
          s = LocalPostgres.builder().start();
          server = s;
        }
      }
    }
    return s;
  }
}
