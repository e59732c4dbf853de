package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import dev.lockplane.testing.LogCapture;
import dev.lockplane.testkit.fixtures.Fixtures;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;


/**
 * A passing run on the embedded server ends quietly: the spare clones are dropped before the server
 * stops, so no "Cannot destroy spare clone" warning is logged.
 */
class CleanShutdownTest {
  @RegisterExtension final LogCapture logs = new LogCapture();

  @Test
  void passingRunWithSparesLogsNoWarning() {
    // no lockplane.jdbcUrl: the run starts an embedded server of its own and stops it at its end
    EngineExecutionResults r = EngineTestKit.engine("junit-jupiter")
        .configurationParameters(Map.of("junit.jupiter.execution.parallel.enabled", "false"))
        .selectors(selectClass(Fixtures.PassingWithSpares.class))
        .execute();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(2);
    assertThat(r.allEvents().failed().count()).isZero();
    assertThat(logs.atLeast(Level.WARNING)).extracting(w -> new java.util.logging.SimpleFormatter().formatMessage(w)).isEmpty();
  }
}
