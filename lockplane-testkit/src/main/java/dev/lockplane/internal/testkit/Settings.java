package dev.lockplane.internal.testkit;

import dev.lockplane.clone.Golden;
import dev.lockplane.testkit.Engine;
import dev.lockplane.testkit.Isolation;
import dev.lockplane.testkit.Keep;
import dev.lockplane.testkit.LockplaneTest;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The effective settings of one {@code @LockplaneTest} class: the annotation's attributes, with
 * configuration parameters as defaults.
 *
 * @param engine the engine
 * @param version the PostgreSQL major version (0 for SQLite)
 * @param golden the golden's content
 * @param poolSize spare clones to keep ready, or {@link #AUTO_POOL} to let the golden's clones decide
 * @param keep what to do with a failed test's clone
 * @param jdbcUrl an existing server to clone on, or {@code null} for the embedded one
 * @param user the role for {@code jdbcUrl}
 * @param password its password
 * @param isolation a database or a server per test
 * @param storage where instance clones live ({@code lockplane.storage}), or {@code null}
 * @param recycle whether used database clones are restored and reused ({@code lockplane.recycle})
 * @param clonesInMemory whether database clones on the embedded server live in memory ({@code
 *     lockplane.clonesInMemory}), or {@code null} to let the manager choose
 */
public record Settings(
    Engine engine,
    int version,
    Golden golden,
    int poolSize,
    Keep keep,
    String jdbcUrl,
    String user,
    String password,
    Isolation isolation,
    String storage,
    boolean recycle,
    Boolean clonesInMemory) {

  /** A pool size chosen by where the clones live: {@link #spares(boolean)}. */
  public static final int AUTO_POOL = -1;

  /**
   * Returns how many spare clones to keep ready.
   *
   * @param cheap whether the golden's clones are database-level ones in memory or reflinks, where a
   *     spare costs little: four spares then give each spare time to open its connection before a
   *     test takes it (docs/testkit.md has the figures), else two
   * @return the pool size
   */
  public int spares(boolean cheap) {
    return poolSize != AUTO_POOL ? poolSize : cheap ? 4 : 2;
  }

  /**
   * Reads the settings of a test class.
   *
   * @param annotation the class's annotation
   * @param context the class's extension context
   * @return the settings
   * @throws ExtensionConfigurationException on conflicting or invalid settings
   */
  public static Settings of(LockplaneTest annotation, ExtensionContext context) {
    String where = "@LockplaneTest on " + context.getRequiredTestClass().getName();
    Engine engine = annotation.engine();
    if (engine == Engine.DEFAULT) {
      engine = param(context, "lockplane.engine").map(v -> parseEnum(Engine.class, v, "lockplane.engine")).orElse(Engine.POSTGRES);
    }
    int version = annotation.postgres();
    if (engine == Engine.SQLITE && version != 0) {
      throw new ExtensionConfigurationException(
          where + " sets postgres = " + version + " and engine = SQLITE, which conflict: drop one of them.");
    }
    if (engine == Engine.POSTGRES && version == 0) {
      version = param(context, "lockplane.postgres.version").map(v -> parseInt(v, "lockplane.postgres.version")).orElse(18);
    }
    if (engine == Engine.POSTGRES && (version < 13 || version > 18)) {
      throw new ExtensionConfigurationException(
          where + ": PostgreSQL " + version + " is not supported; choose a major version from 13 to 18.");
    }
    int pool = annotation.pool();
    if (pool == -1) {
      pool = param(context, "lockplane.pool.size").map(v -> parseInt(v, "lockplane.pool.size")).orElse(-1);
      if (pool == -1) {
        pool = AUTO_POOL;
      }
    }
    if ((pool < 0 || pool > 64) && pool != AUTO_POOL) {
      throw new ExtensionConfigurationException(where + ": pool = " + pool + " is out of range; use 0 to 64.");
    }
    Keep keep = annotation.keep();
    if (keep == Keep.DEFAULT) {
      keep = param(context, "lockplane.keep").map(v -> parseEnum(Keep.class, v, "lockplane.keep")).orElse(Keep.NEVER);
    }
    String url = param(context, "lockplane.jdbcUrl").orElse(null);
    String user = param(context, "lockplane.user").orElse(null);
    String password = param(context, "lockplane.password").orElse("");
    Isolation isolation = annotation.isolation();
    if (isolation == Isolation.DEFAULT) {
      isolation = param(context, "lockplane.isolation").map(v -> parseEnum(Isolation.class, v, "lockplane.isolation")).orElse(Isolation.DATABASE);
    }
    if (isolation == Isolation.TRANSACTION && engine == Engine.SQLITE) {
      throw new ExtensionConfigurationException(where + " asks for isolation = TRANSACTION with engine = SQLITE:"
          + " transaction isolation is for PostgreSQL (a SQLite clone is a file copy, already cheap); drop one of them.");
    }
    if (isolation == Isolation.INSTANCE) {
      if (engine == Engine.SQLITE) {
        throw new ExtensionConfigurationException(where + " asks for isolation = INSTANCE with engine = SQLITE: SQLite has no server; drop one of them.");
      }
      if (url != null) {
        throw new ExtensionConfigurationException(where + " asks for isolation = INSTANCE, which starts servers of its own, but lockplane.jdbcUrl names an existing server: unset one of them.");
      }
      try {
        Class.forName("dev.lockplane.instances.InstanceClones", false, Settings.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ExtensionConfigurationException(where + " asks for isolation = INSTANCE, which needs the dev.lockplane:lockplane-zfs"
            + " dependency on the test classpath: add it (scope test).");
      }
    }
    if (url != null && engine == Engine.SQLITE) {
      throw new ExtensionConfigurationException(
          where + " uses engine SQLITE, but lockplane.jdbcUrl names a PostgreSQL server: remove one of them.");
    }
    if (url != null && user == null) {
      throw new ExtensionConfigurationException(
          "lockplane.jdbcUrl is set but lockplane.user is not: give the role (with CREATEDB) to clone with.");
    }
    if (url != null && annotation.postgres() != 0) {
      throw new ExtensionConfigurationException(
          where + " sets postgres = " + annotation.postgres() + ", but lockplane.jdbcUrl names an existing server,"
              + " whose version Lockplane cannot choose: drop postgres, or unset lockplane.jdbcUrl.");
    }
    String storage = param(context, "lockplane.storage").orElse(null);
    boolean recycle = param(context, "lockplane.recycle").map(v -> parseBoolean(v, "lockplane.recycle")).orElse(false);
    return new Settings(engine, engine == Engine.SQLITE ? 0 : version, GoldenSources.of(annotation, k -> param(context, k), System::getenv, where), pool, keep, url, user, password,
        isolation, storage, recycle,
        param(context, "lockplane.clonesInMemory").map(v -> parseBoolean(v, "lockplane.clonesInMemory")).orElse(null));
  }

  private static Optional<String> param(ExtensionContext context, String key) {
    return context.getConfigurationParameter(key).map(String::trim).filter(v -> !v.isEmpty());
  }

  private static boolean parseBoolean(String v, String key) {
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new ExtensionConfigurationException("Configuration parameter " + key + " = '" + v + "' is neither true nor false.");
  }

  private static int parseInt(String v, String key) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ExtensionConfigurationException("Configuration parameter " + key + " = '" + v + "' is not a number.");
    }
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String v, String key) {
    try {
      return Enum.valueOf(type, v.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(
          "Configuration parameter " + key + " = '" + v + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()) + ".");
    }
  }

  /** Returns the key under which the golden's manager is shared within the JVM. */
  public String managerKey() {
    return engine + "|" + isolation + "|" + version + "|" + (recycle ? "recycle|" : "") + (clonesInMemory == null ? "" : "memory=" + clonesInMemory + "|") + (jdbcUrl == null ? "embedded" : jdbcUrl + "|" + user) + "|" + golden.contentHash();
  }
}
