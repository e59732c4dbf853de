package dev.lockplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.testing.LogCapture;
import dev.lockplane.testkit.fixtures.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * At the end of a run the testkit logs one line a golden: how many clones it handed out, how they
 * were served, and each phase's count and percentiles, the JUnit callbacks' own included.
 */
class HandoutSummaryTest {
  @RegisterExtension final LogCapture logs = new LogCapture();

  @Test
  void aRunEndsWithOneLineOfHandoutPhases() {
    EngineExecutionResults r = EngineTestKit.engine("junit-jupiter")
        .configurationParameters(Map.of("junit.jupiter.execution.parallel.enabled", "false"))
        .selectors(selectClass(Fixtures.PassingWithSpares.class))
        .execute();
    assertThat(r.testEvents().succeeded().count()).isEqualTo(2);
    List<String> lines = logs.atLeast(Level.INFO).stream().map(x -> new SimpleFormatter().formatMessage(x))
        .filter(m -> m.startsWith("Clones of golden ")).toList();
    assertThat(lines).hasSize(1);
    String line = lines.get(0);
    Matcher m = Pattern.compile("(\\d+) handouts \\((\\d+) ready, (\\d+) waited for a spare, (\\d+) made on demand; (\\d+) with")
        .matcher(line);
    assertThat(m.find()).as(line).isTrue();
    int handouts = Integer.parseInt(m.group(1));
    assertThat(handouts).as("one clone a test").isEqualTo(2);
    assertThat(Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4))).isEqualTo(handouts);
    // each test's callbacks are timed once before and once after its body; each took one connection
    assertThat(line).contains("wait for a clone n=2 ").contains("callbacks before the body n=2 ")
        .contains("callbacks after the body n=2 ").contains("connect n=2 ");
    Matcher times = Pattern.compile("p(?:50|95) (-?[0-9.]+) ms").matcher(line);
    int seen = 0;
    while (times.find()) {
      assertThat(Double.parseDouble(times.group(1))).as(line).isGreaterThanOrEqualTo(0);
      seen++;
    }
    assertThat(seen).as("p50 and p95 of each phase that ran").isGreaterThanOrEqualTo(10);
  }
}
