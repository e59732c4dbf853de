package dev.lockplane.internal.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import org.junit.jupiter.api.Test;

/** The message for a migration tool missing from the class path (the tools are on this module's test path). */
class MigrationToolsTest {
  @Test
  void aMissingToolIsNamedWithTheCoordinatesToAdd() {
    LockplaneException e = MigrationTools.missing("Flyway", "Flyway migrations [classpath:db/migration]",
        MigrationTools.FLYWAY_COORDINATES, "org.flywaydb.core.Flyway");
    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
    assertThat(e.getMessage())
        .contains("Flyway migrations [classpath:db/migration]")
        .contains("Flyway is not on the class path")
        .contains("org.flywaydb:flyway-core and org.flywaydb:flyway-database-postgresql");
    assertThat(MigrationTools.missing("Liquibase", "x", MigrationTools.LIQUIBASE_COORDINATES, "liquibase.command.CommandScope")
        .getMessage()).contains("org.liquibase:liquibase-core");
  }

  @Test
  void presentToolsPassTheCheck() {
    assertThatCode(() -> MigrationTools.requireFlyway("g")).doesNotThrowAnyException();
    assertThatCode(() -> MigrationTools.requireLiquibase("g")).doesNotThrowAnyException();
  }
}
