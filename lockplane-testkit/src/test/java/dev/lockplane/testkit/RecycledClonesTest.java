package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.testkit.fixtures.RecyclingFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * With {@code lockplane.recycle=true}, used clones come back recycled and each is indistinguishable
 * from a fresh one, whatever its test changed (see {@link RecyclingFixtures.Sequence}).
 */
class RecycledClonesTest {
  @Test
  void recycledClonesAreIndistinguishableFromFreshOnes() {
    EngineExecutionResults r = EngineTestKit.engine("junit-jupiter")
        .configurationParameters(Map.of("lockplane.recycle", "true", "junit.jupiter.execution.parallel.enabled", "false"))
        .selectors(selectClass(RecyclingFixtures.Sequence.class)).execute();
    List<String> failures = r.allEvents().failed().stream().map(e -> e.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?")).toList();
    assertThat(failures).isEmpty();
    r.testEvents().assertStatistics(s -> s.succeeded(10).failed(0));
  }
}
