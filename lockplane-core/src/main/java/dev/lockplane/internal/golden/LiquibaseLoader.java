package dev.lockplane.internal.golden;

import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import java.time.Instant;

/**
 * Builds a golden with Liquibase itself: its changelog (from the class path or a file), contexts
 * and parameters. Liquibase is an optional dependency, so this class names none of its types: it
 * checks that Liquibase is there first and then hands over to {@link LiquibaseRun}.
 */
public final class LiquibaseLoader {
  private LiquibaseLoader() {}

  /**
   * Runs Liquibase's {@code update} with the golden's changelog on the target's empty database.
   *
   * @param golden the changelog, contexts and parameters
   * @param target the empty database to update
   * @return when the update finished: the golden's data is from then
   * @throws dev.lockplane.LockplaneException {@code UNSUPPORTED} without Liquibase on the class
   *     path, {@code INVALID_CONFIGURATION} for a changelog that is not found, {@code INVALID_INPUT}
   *     for one that does not parse, {@code SCRIPT_FAILED} naming the file, id and author of a
   *     change set that failed
   */
  public static Instant load(Golden.FromLiquibase golden, GoldenTarget target) {
    MigrationTools.requireLiquibase(golden.describe());
    return LiquibaseRun.update(golden, target);
  }

  /**
   * Returns the golden's content key: its own {@link Golden#contentHash()} and the identity and
   * checksum of every change set of the changelog (read without a database), so that a changed,
   * added or removed change set builds a new golden.
   *
   * @param golden the golden
   * @return a hex SHA-256
   * @throws dev.lockplane.LockplaneException {@code INVALID_INPUT} for a changelog that does not
   *     parse, {@code INVALID_CONFIGURATION} for one that is not found
   */
  public static String contentKey(Golden.FromLiquibase golden) {
    MigrationTools.requireLiquibase(golden.describe());
    return Keys.sha256(golden.contentHash() + "\n" + LiquibaseRun.checksums(golden));
  }
}
