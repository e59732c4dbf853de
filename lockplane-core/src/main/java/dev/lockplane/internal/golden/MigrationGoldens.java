package dev.lockplane.internal.golden;

import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import java.time.Instant;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** Goldens built by a migration tool (Flyway, Liquibase): their content keys and their loading, by kind. */
public final class MigrationGoldens {
  private MigrationGoldens() {}

  /**
   * Tells whether a golden is built by a migration tool.
   *
   * @param golden the golden
   * @return true for Flyway and Liquibase goldens
   */
  public static boolean handles(Golden golden) {
    return golden instanceof Golden.FromFlyway || golden instanceof Golden.FromLiquibase;
  }

  /**
   * Returns the key a prepared golden is found again by: for a migration tool's golden its own hash
   * and the checksums of its migrations, else {@link Golden#contentHash()}.
   *
   * @param golden the golden
   * @param probe a database Flyway may read its migrations with (asked for only by Flyway goldens)
   * @return a hex SHA-256
   */
  public static String contentKey(Golden golden, Supplier<DataSource> probe) {
    if (golden instanceof Golden.Prepared p && handles(p.source())) {
      String stages = p.contentHash();
      return Keys.sha256(contentKey(p.source(), probe) + "\n" + stages);
    }
    if (golden instanceof Golden.FromFlyway f) {
      return FlywayLoader.contentKey(f, probe.get());
    }
    if (golden instanceof Golden.FromLiquibase l) {
      return LiquibaseLoader.contentKey(l);
    }
    return golden.contentHash();
  }

  /**
   * Runs the migration tool of a golden on the target's empty database.
   *
   * @param golden a Flyway or Liquibase golden
   * @param target the empty database
   * @return when the data was loaded
   * @throws IllegalArgumentException for another kind of golden
   */
  public static Instant load(Golden golden, GoldenTarget target) {
    if (golden instanceof Golden.FromFlyway f) {
      return FlywayLoader.load(f, target);
    }
    if (golden instanceof Golden.FromLiquibase l) {
      return LiquibaseLoader.load(l, target);
    }
    throw new IllegalArgumentException("not a migration tool's golden: " + golden.describe());
  }
}
