package dev.lockplane.spring.boot4.sample;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.spring.boot4.sample.fixtures.ParallelFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Two Boot 4 test classes running in parallel through the JUnit engine, each on a clone of its own. */
class Boot4ParallelTest {
  @Test
  void classesRunningInParallelEachHaveTheirOwnClone() {
    EngineTestKit.engine("junit-jupiter")
        .configurationParameters(Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "same_thread",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"))
        .selectors(selectClass(ParallelFixtures.ParallelA.class), selectClass(ParallelFixtures.ParallelB.class))
        .execute()
        .testEvents()
        .assertStatistics(s -> s.succeeded(2).failed(0));
  }
}
