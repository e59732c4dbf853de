package dev.lockplane.internal.golden;

import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Builds a golden with Flyway itself: its locations, placeholders and callbacks, exactly as the
 * application's own Flyway would. Flyway is an optional dependency, so this class names none of
 * its types: it checks that Flyway is there first and then hands over to {@link FlywayRun}.
 */
public final class FlywayLoader {
  private FlywayLoader() {}

  /**
   * Runs every migration of the golden's locations on the target's empty database.
   *
   * @param golden the locations and placeholders
   * @param target the empty database to migrate
   * @return when the migrations finished: the golden's data is from then
   * @throws dev.lockplane.LockplaneException {@code UNSUPPORTED} without Flyway on the class path,
   *     {@code SCRIPT_FAILED} naming the version and script of a migration that failed, {@code
   *     INVALID_CONFIGURATION} for a location Flyway cannot resolve
   */
  public static Instant load(Golden.FromFlyway golden, GoldenTarget target) {
    MigrationTools.requireFlyway(golden.describe());
    return FlywayRun.migrate(golden, target);
  }

  /**
   * Returns the golden's content key: its own {@link Golden#contentHash()}, the version, script
   * and checksum of every migration Flyway resolves, and the name and SHA-256 of every file in the
   * locations (callbacks have no Flyway checksum), so that a changed, added or removed migration or
   * callback builds a new golden. Flyway resolves migrations only with a connection: it reads {@code probe}
   * without changing it (the history table it looks for is in a schema that does not exist, and
   * no callback runs).
   *
   * @param golden the golden
   * @param probe a database Flyway may connect to, such as the server's maintenance database
   * @return a hex SHA-256
   */
  public static String contentKey(Golden.FromFlyway golden, DataSource probe) {
    MigrationTools.requireFlyway(golden.describe());
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    String files = LocationFiles.list(golden.locations(), cl == null ? FlywayLoader.class.getClassLoader() : cl);
    return Keys.sha256(golden.contentHash() + "\n" + FlywayRun.checksums(golden, probe) + files);
  }
}
