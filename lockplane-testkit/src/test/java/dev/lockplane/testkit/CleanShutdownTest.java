package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.testkit.fixtures.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A passing run on the embedded server ends quietly: the spare clones are dropped before the server
 * stops, so no "Cannot destroy spare clone" warning is logged.
 */
class CleanShutdownTest {
  @Test
  void passingRunWithSparesLogsNoWarning() {
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(r);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("dev.lockplane");
    logger.addHandler(handler);
    EngineExecutionResults r;
    try {
      // no lockplane.jdbcUrl: the run starts an embedded server of its own and stops it at its end
      r = EngineTestKit.engine("junit-jupiter")
          .configurationParameters(Map.of("junit.jupiter.execution.parallel.enabled", "false"))
          .selectors(selectClass(Fixtures.PassingWithSpares.class))
          .execute();
    } finally {
      logger.removeHandler(handler);
    }
    assertThat(r.testEvents().succeeded().count()).isEqualTo(2);
    assertThat(r.allEvents().failed().count()).isZero();
    assertThat(warnings).extracting(w -> new java.util.logging.SimpleFormatter().formatMessage(w)).isEmpty();
  }
}
