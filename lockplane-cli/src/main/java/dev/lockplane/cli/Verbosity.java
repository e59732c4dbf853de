package dev.lockplane.cli;

import java.util.logging.Level;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code -q}, {@code -v} and {@code --debug}: how much goes to stderr besides errors. */
final class Verbosity {
  @Option(names = {"-q", "--quiet"}, description = "Print no progress and no information, only results and errors.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Print more detail (each step, each phase) and library log messages.")
  boolean verbose;

  @Option(names = "--debug", description = "Print stack traces with errors, and debug log messages.")
  boolean debug;

  void check(CommandSpec spec) {
    if (quiet && (verbose || debug)) {
      throw new ParameterException(spec.commandLine(), "-q cannot be combined with -v or --debug");
    }
  }

  Level level() {
    return debug ? Level.FINE : verbose ? Level.INFO : quiet ? Level.OFF : Logging.DEFAULT;
  }
}
