package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import dev.lockplane.testkit.fixtures.Fixtures;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs the fixture classes through the JUnit engine and checks how they fail. They clone on the
 * shared server through {@code lockplane.jdbcUrl}, which also exercises the external-server path.
 */
class MisuseAndKeepTest {
  private static EngineExecutionResults run(Class<?> type) {
    LocalPostgres pg = SharedPostgres.get();
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameters(Map.of(
            "lockplane.jdbcUrl", pg.jdbcUrl("postgres"),
            "lockplane.user", pg.user(),
            "lockplane.password", pg.password(),
            "junit.jupiter.execution.parallel.enabled", "false"))
        .selectors(selectClass(type))
        .execute();
  }

  private static Throwable failureOf(EngineExecutionResults r) {
    List<Event> failed = r.allEvents().failed().list();
    assertThat(failed).as("a failure").isNotEmpty();
    return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
  }

  @Test
  void unsupportedFieldTypeSaysWhatToUse() {
    assertThat(failureOf(run(Fixtures.UnsupportedFieldType.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("notADatabase")
        .hasMessageContaining("java.lang.Integer")
        .hasMessageContaining("use DataSource, Connection, Jdbi, Clone");
  }

  @Test
  void finalFieldIsRefused() {
    assertThat(failureOf(run(Fixtures.FinalField.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("is final")
        .hasMessageContaining("remove 'final'");
  }

  @Test
  void missingScriptSaysWhereItLooked() {
    assertThat(failureOf(run(Fixtures.MissingScript.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("db/does-not-exist.sql")
        .hasMessageContaining("neither on the classpath nor a file");
  }

  @Test
  void conflictingSettingsAreNamed() {
    assertThat(failureOf(run(Fixtures.ConflictingSettings.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("postgres = 16 and engine = SQLITE");
  }

  @Test
  void instanceIsolationNeedsAServerEngine() {
    assertThat(failureOf(run(Fixtures.InstanceWithSqlite.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("isolation = INSTANCE with engine = SQLITE");
  }

  @Test
  void jdbcUrlOnANonStringParameterIsRefused() {
    assertThat(failureOf(run(Fixtures.JdbcUrlOnWrongType.class)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("java.lang.Integer");
  }

  @Test
  void failedTestKeepsItsCloneWhenAskedAndSaysWhere() throws Exception {
    EngineExecutionResults r = run(Fixtures.FailingTest.class);
    assertThat(r.testEvents().failed().count()).isEqualTo(1);
    List<ReportEntry> entries = r.allEvents().reportingEntryPublished().list().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow()).toList();
    String kept = entries.stream().map(e -> e.getKeyValuePairs().get("lockplane.keptClone"))
        .filter(v -> v != null).findFirst().orElseThrow();
    String url = kept.split(" ")[1];
    LocalPostgres pg = SharedPostgres.get();
    // the run is over and its manager closed, but the failed test's clone is still there
    try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
        var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'evidence'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
    String db = url.substring(url.lastIndexOf('/') + 1);
    try (Connection c = pg.connect("postgres")) {
      c.createStatement().execute("DROP DATABASE \"" + db + "\" WITH (FORCE)");
    }
  }
}
