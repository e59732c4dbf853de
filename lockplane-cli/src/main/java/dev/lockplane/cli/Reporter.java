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
  private String pending;
  private boolean lineOpen;
  private boolean finished;
  private java.util.Timer timer;

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
    long elapsed = System.nanoTime() - started;
    if (!verbose && elapsed < QUIET_NANOS) {
      // Shown only if the work is still going on two seconds in, and still at this line.
      pending = line;
      if (timer == null) {
        timer = new java.util.Timer("lockplane-progress", true);
        timer.schedule(new java.util.TimerTask() {
          @Override
          public void run() {
            showPending();
          }
        }, Math.max(1, (QUIET_NANOS - elapsed) / 1_000_000));
      }
      return;
    }
    pending = null;
    show(line);
  }

  private synchronized void showPending() {
    if (!finished && pending != null) {
      String line = pending;
      pending = null;
      show(line);
    }
  }

  private void show(String line) {
    lastProgress = line;
    PrintStream err = cli.err();
    if (cli.terminal()) {
      String masked = cli.mask(line);
      String shown = masked.length() > 78 ? masked.substring(0, 77) + "…" : masked;
      err.print("\r" + shown + " ".repeat(Math.max(0, 79 - shown.length())));
      err.flush();
      lineOpen = true;
    } else {
      err.println(cli.mask(line));
    }
  }

  /** Ends a progress line drawn in place. */
  synchronized void finish() {
    finished = true;
    if (timer != null) {
      timer.cancel();
    }
    endLine();
  }

  private void endLine() {
    if (lineOpen) {
      cli.err().println();
      lineOpen = false;
    }
  }

  private void print(String line) {
    endLine();
    cli.error(line);
  }
}
