package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import dev.lockplane.testkit.fixtures.TransactionFixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** Transaction isolation: tests see nothing of each other, and what it cannot isolate is refused by name. */
class TransactionIsolationTest {
  private static EngineExecutionResults run(Class<?> type, boolean parallel) {
    LocalPostgres pg = SharedPostgres.get();
    Map<String, String> params = new HashMap<>(Map.of(
        "lockplane.jdbcUrl", pg.jdbcUrl("postgres"),
        "lockplane.user", pg.user(),
        "lockplane.password", pg.password(),
        "junit.jupiter.execution.parallel.enabled", Boolean.toString(parallel)));
    if (parallel) {
      params.put("junit.jupiter.execution.parallel.config.strategy", "fixed");
      params.put("junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
    }
    return EngineTestKit.engine("junit-jupiter").configurationParameters(params).selectors(selectClass(type)).execute();
  }

  private static Throwable failureOf(EngineExecutionResults r) {
    List<Event> failed = r.allEvents().failed().list();
    assertThat(failed).as("a failure").isNotEmpty();
    return failed.get(0).getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
  }

  private static void allPass(EngineExecutionResults r, int tests) {
    r.testEvents().failed().list().forEach(e -> e.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
    r.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests).failed(0));
  }

  @Test
  void commitsAndSessionStateOfATestAreUndoneBeforeTheNext() {
    TransactionFixtures.EachTestStartsPristine.DATABASES.clear();
    allPass(run(TransactionFixtures.EachTestStartsPristine.class, false), 4);
    List<String> dbs = TransactionFixtures.EachTestStartsPristine.DATABASES;
    assertThat(dbs.subList(0, 3)).as("one clone, reused after each rollback").containsOnly(dbs.get(0));
    assertThat(dbs.get(3)).as("a clone whose connection kept the test's holdability is not reused").isNotEqualTo(dbs.get(2));
  }

  @Test
  void jdbiTransactionsAreSavepoints() {
    allPass(run(TransactionFixtures.WithJdbi.class, false), 2);
  }

  @Test
  void parallelTestsGetCloneOfTheirOwn() {
    TransactionFixtures.Parallel.DATABASES.clear();
    allPass(run(TransactionFixtures.Parallel.class, true), 3);
    assertThat(TransactionFixtures.Parallel.DATABASES).hasSize(3);
  }

  @Test
  void aSecondConnectionIsRefusedByName() {
    assertThat(failureOf(run(TransactionFixtures.SecondConnection.class, false)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("second connection")
        .hasMessageContaining("isolation = DATABASE");
  }

  @Test
  void statementsOutsideTransactionsAreRefusedByName() {
    assertThat(failureOf(run(TransactionFixtures.Concurrently.class, false)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("cannot run inside a transaction block")
        .hasMessageContaining("CREATE INDEX CONCURRENTLY")
        .hasMessageContaining("isolation = DATABASE");
  }

  @Test
  void aCommitSentAsSqlFailsTheTestAndItsCloneIsNotReused() {
    EngineExecutionResults r = run(TransactionFixtures.CommitAsSql.class, false);
    r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    assertThat(failureOf(r))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("ended the transaction")
        .hasMessageContaining("Connection.commit()");
  }

  @Test
  void cloneHandlesStaticFieldsAndSqliteAreRefused() {
    assertThat(failureOf(run(TransactionFixtures.CloneParameter.class, false)))
        .hasMessageContaining("isolation = TRANSACTION gives each test one connection")
        .hasMessageContaining("use isolation = DATABASE");
    assertThat(failureOf(run(TransactionFixtures.StaticField.class, false)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("make the field non-static");
    assertThat(failureOf(run(TransactionFixtures.WithSqlite.class, false)))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("isolation = TRANSACTION with engine = SQLITE");
  }
}
