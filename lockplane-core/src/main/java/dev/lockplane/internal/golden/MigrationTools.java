package dev.lockplane.internal.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;

/**
 * The migration tools a golden can be built with — Flyway and Liquibase — are optional
 * dependencies: this checks that one is on the class path before any class that names its types
 * is loaded, and explains what to add when it is not.
 */
public final class MigrationTools {
  /** The Maven coordinates Flyway goldens need. */
  public static final String FLYWAY_COORDINATES =
      "org.flywaydb:flyway-core and org.flywaydb:flyway-database-postgresql";
  /** The Maven coordinates Liquibase goldens need. */
  public static final String LIQUIBASE_COORDINATES = "org.liquibase:liquibase-core";

  private MigrationTools() {}

  /**
   * Returns the exception for a golden whose tool is not on the class path.
   *
   * @param tool the tool's name, {@code Flyway} or {@code Liquibase}
   * @param golden the golden's description
   * @param coordinates the Maven coordinates to add
   * @param missingClass the class that was looked for
   * @return the exception, with code {@link ErrorCode#UNSUPPORTED}
   */
  public static LockplaneException missing(String tool, String golden, String coordinates, String missingClass) {
    return new LockplaneException(ErrorCode.UNSUPPORTED,
        "Cannot prepare the golden from " + golden + ": " + tool + " is not on the class path (no class "
            + missingClass + "). Add the dependency " + coordinates
            + " to the project (scope test for tests), in a version of your choice.");
  }

  /** Fails with {@link #missing} unless Flyway's core and its PostgreSQL support are on the class path. */
  static void requireFlyway(String golden) {
    require("Flyway", golden, FLYWAY_COORDINATES, "org.flywaydb.core.Flyway");
    require("Flyway", golden, FLYWAY_COORDINATES, "org.flywaydb.database.postgresql.PostgreSQLDatabaseType");
  }

  /** Fails with {@link #missing} unless Liquibase is on the class path. */
  static void requireLiquibase(String golden) {
    require("Liquibase", golden, LIQUIBASE_COORDINATES, "liquibase.command.CommandScope");
  }

  private static void require(String tool, String golden, String coordinates, String className) {
    if (!present(className)) {
      throw missing(tool, golden, coordinates, className);
    }
  }

  private static boolean present(String className) {
    for (ClassLoader cl : new ClassLoader[] {Thread.currentThread().getContextClassLoader(), MigrationTools.class.getClassLoader()}) {
      if (cl == null) {
        continue;
      }
      try {
        Class.forName(className, false, cl);
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        // look in the next loader
      }
    }
    return false;
  }
}
