package dev.lockplane.internal.spring;

import dev.lockplane.spring.AutoConfigureLockplaneDatabase;
import dev.lockplane.spring.AutoConfigureLockplaneDatabase.Migrations;
import dev.lockplane.spring.AutoConfigureLockplaneDatabase.Refresh;

/**
 * The attributes of one {@link AutoConfigureLockplaneDatabase}, as a value (Spring caches contexts by
 * their customizers' equality).
 *
 * @param refresh when the clone is reset
 * @param migrations which migrations build the golden
 * @param postgres the embedded server's major version, 0 for the environment's default
 */
public record DatabaseSettings(Refresh refresh, Migrations migrations, int postgres) {

  /**
   * Reads an annotation.
   *
   * @param a the annotation
   * @return its settings
   */
  public static DatabaseSettings of(AutoConfigureLockplaneDatabase a) {
    return new DatabaseSettings(a.refresh(), a.migrations(), a.postgres());
  }
}
