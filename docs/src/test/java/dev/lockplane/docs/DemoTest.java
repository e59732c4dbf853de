package dev.lockplane.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo, run small, says what the README promises. */
class DemoTest {
  @Test
  void demoShowsIsolationAndReset() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Demo.run(20_000, new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("create clone 'alice'")
        .contains("alice: 19,600 orders, products table present: f, quantity column present: f")
        .contains("bob:   20,000 orders, products table present: t")
        .contains("(untouched)")
        .contains("alice: 20,000 orders")
        .contains("Done.");
  }
}
