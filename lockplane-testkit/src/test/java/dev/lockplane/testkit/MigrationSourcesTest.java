package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.clone.Golden;
import dev.lockplane.internal.testkit.GoldenSources;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import dev.lockplane.testkit.fixtures.MigrationFixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * {@code @LockplaneTest(flyway = ...)}, {@code (liquibase = ...)} and {@code (source = ...)}: the
 * fixture classes run through the JUnit engine, cloning on the shared server.
 */
class MigrationSourcesTest {
  private static EngineExecutionResults run(Class<?>... types) {
    LocalPostgres pg = SharedPostgres.get();
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameters(Map.of(
            "lockplane.jdbcUrl", pg.jdbcUrl("postgres"),
            "lockplane.user", pg.user(),
            "lockplane.password", pg.password(),
            "junit.jupiter.execution.parallel.enabled", "false"))
        .selectors(java.util.Arrays.stream(types).map(t -> (ClassSelector) selectClass(t)).toArray(ClassSelector[]::new))
        .execute();
  }

  private static Throwable failureOf(EngineExecutionResults r) {
    List<Event> failed = r.allEvents().failed().list();
    assertThat(failed).as("a failure").isNotEmpty();
    return failed.get(0).getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
  }

  @Test
  void flywayGoldenIsResetForEveryTestAndSharedByClassesWithTheSameSource() {
    MigrationFixtures.GOLDENS.clear();
    EngineExecutionResults r = run(MigrationFixtures.Flyway.class, MigrationFixtures.SameFlyway.class);
    r.testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
    // one golden for both classes: prepared once per JVM per distinct source content
    assertThat(MigrationFixtures.GOLDENS).hasSize(3);
    assertThat(MigrationFixtures.GOLDENS.stream().distinct()).hasSize(1);
  }

  @Test
  void liquibaseGoldenWithContextsAndParametersIsResetForEveryTest() {
    run(MigrationFixtures.Liquibase.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
  }

  @Test
  void scriptsAndFlywayTogetherAreRefused() {
    assertThat(failureOf(run(MigrationFixtures.ScriptsAndFlyway.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("sets scripts and flyway")
        .hasMessageContaining("keep one of them");
  }

  @Test
  void contextsWithoutLiquibaseAreRefused() {
    assertThat(failureOf(run(MigrationFixtures.ContextsWithoutLiquibase.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("contexts, which only a Liquibase changelog has");
  }

  @Test
  void aSourceWithoutItsParametersSaysWhichToSet() {
    assertThat(failureOf(run(MigrationFixtures.UnconfiguredSource.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("golden source 'nowhere'")
        .hasMessageContaining("lockplane.golden.nowhere.url");
  }

  @Test
  void aNamedServerSourceReadsItsPasswordFromTheNamedEnvironmentVariable() {
    Map<String, String> params = new HashMap<>(Map.of(
        "lockplane.golden.staging.url", "postgres://db.example:5432/shop",
        "lockplane.golden.staging.user", "reader",
        "lockplane.golden.staging.password-env", "STAGING_PW",
        "lockplane.golden.staging.jobs", "4"));
    Map<String, String> env = Map.of("STAGING_PW", "s3cret");
    Golden.FromServer g = GoldenSources.server("staging", k -> Optional.ofNullable(params.get(k)), env::get, "here");
    assertThat(g.url()).isEqualTo("postgres://db.example:5432/shop");
    assertThat(g.user()).isEqualTo("reader");
    assertThat(g.password()).isEqualTo("s3cret");
    assertThat(g.jobs()).isEqualTo(4);
    assertThat(g.transfer()).isEqualTo(Golden.Transfer.LOGICAL);
    assertThat(g.toString()).doesNotContain("s3cret");

    params.put("lockplane.golden.staging.transfer", "physical");
    assertThat(GoldenSources.server("staging", k -> Optional.ofNullable(params.get(k)), env::get, "here").transfer())
        .isEqualTo(Golden.Transfer.PHYSICAL);

    params.put("lockplane.golden.staging.password-env", "UNSET_PW");
    assertThatThrownBy(() -> GoldenSources.server("staging", k -> Optional.ofNullable(params.get(k)), env::get, "here"))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("UNSET_PW, which is not set");

    params.put("lockplane.golden.staging.password", "s3cret");
    assertThatThrownBy(() -> GoldenSources.server("staging", k -> Optional.ofNullable(params.get(k)), env::get, "here"))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("never read from the configuration")
        .hasMessageNotContaining("s3cret");
  }
}
