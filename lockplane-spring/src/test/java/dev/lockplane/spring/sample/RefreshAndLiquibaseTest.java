package dev.lockplane.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.spring.sample.fixtures.SpringFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Refresh modes, a Liquibase application, and test classes running in parallel, through the JUnit engine. */
class RefreshAndLiquibaseTest {
  private static EngineExecutionResults run(boolean parallel, Class<?>... types) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameters(Map.of(
            "junit.jupiter.execution.parallel.enabled", String.valueOf(parallel),
            "junit.jupiter.execution.parallel.mode.default", "same_thread",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"))
        .selectors(java.util.Arrays.stream(types).map(t -> selectClass(t)).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
        .execute();
  }

  @Test
  void classesRunningInParallelEachHaveTheirOwnClone() {
    EngineExecutionResults r = run(true, SpringFixtures.ParallelA.class, SpringFixtures.ParallelB.class);
    r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
  }

  @Test
  void neverRefreshKeepsWritesAcrossTestMethods() {
    run(false, SpringFixtures.NeverRefreshed.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
  }

  @Test
  void aLiquibaseApplicationGetsItsChangelogWithItsContexts() {
    run(false, SpringFixtures.LiquibaseApplication.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
  }
}
