package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Progress: silent for short work, shown once work passes two seconds, a redrawn line on a terminal, none with -q. */
class ReporterTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Reporter reporter(boolean terminal, boolean quiet, boolean verbose) {
    Cli cli = new Cli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]), Map.of(), terminal);
    cli.secret("Sekrit-Value-77");
    Verbosity v = new Verbosity();
    v.quiet = quiet;
    v.verbose = verbose;
    return new Reporter(cli, v);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shortWorkShowsNoProgressLongWorkDoes() throws Exception {
    Reporter quick = reporter(false, false, false);
    quick.progress("copying 1 of 3");
    quick.finish();
    Thread.sleep(2300);
    assertThat(err()).isEmpty();

    Reporter slow = reporter(false, false, false);
    slow.progress("planning jdbc:postgresql://h/db?password=Sekrit-Value-77");
    Thread.sleep(2300); // still at that line two seconds in: it is shown
    slow.progress("step 1/2: create table");
    slow.info("done");
    slow.finish();
    assertThat(err()).isEqualTo("planning jdbc:postgresql://h/db?password=***\nstep 1/2: create table\ndone\n");
  }

  @Test
  void aTerminalGetsOneRedrawnLineAndQuietGetsNothing() {
    Reporter tty = reporter(true, false, true);
    tty.progress("step 1/2");
    tty.progress("step 2/2");
    tty.finish();
    assertThat(err()).startsWith("\rstep 1/2 ").contains("\rstep 2/2 ").endsWith("\n").doesNotContain("step 1/2\n");

    err.reset();
    Reporter quiet = reporter(false, true, false);
    quiet.progress("x");
    quiet.info("y");
    quiet.finish();
    assertThat(err()).isEmpty();
  }
}
