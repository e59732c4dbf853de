package dev.lockplane.cli;

import java.io.PrintStream;

/**
 * Progress and information on stderr. Progress appears once work has run for about two seconds
 * (at once with -v): on a terminal as one line redrawn in place, otherwise as plain lines. -q
 * silences both; errors are not printed here.
 */
final class Reporter {
  static final long QUIET_NANOS = 2_000_000_000L;

  private final Cli cli;
  private final Verbosity verbosity;
  private final long started = System.nanoTime();
  private String lastProgress;
  private boolean lineOpen;

  Reporter(Cli cli, Verbosity verbosity) {
    this.cli = cli;
    this.verbosity = verbosity;
  }

  /** A line of information (what was done, where a file went); not with -q. */
  synchronized void info(String line) {
    if (!verbosity.quiet) {
      print(line);
    }
  }

  /** A line only -v shows. */
  synchronized void detail(String line) {
    if (verbosity.verbose || verbosity.debug) {
      print(line);
    }
  }

  /** The state of long work; repeated lines are dropped. */
  synchronized void progress(String line) {
    if (verbosity.quiet || line.equals(lastProgress)) {
      return;
    }
    boolean verbose = verbosity.verbose || verbosity.debug;
    if (!verbose && System.nanoTime() - started < QUIET_NANOS) {
      return;
    }
    lastProgress = line;
    PrintStream err = cli.err();
    if (cli.terminal()) {
      String shown = line.length() > 78 ? line.substring(0, 77) + "…" : line;
      err.print("\r" + cli.mask(shown) + " ".repeat(Math.max(0, 79 - shown.length())));
      err.flush();
      lineOpen = true;
    } else {
      err.println(cli.mask(line));
    }
  }

  /** Ends a progress line drawn in place. */
  synchronized void finish() {
    if (lineOpen) {
      cli.err().println();
      lineOpen = false;
    }
  }

  private void print(String line) {
    finish();
    cli.error(line);
  }
}
