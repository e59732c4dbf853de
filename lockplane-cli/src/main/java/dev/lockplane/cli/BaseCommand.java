package dev.lockplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that does work: help, verbosity, the run's streams, and an exit code. */
abstract class BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Mixin Verbosity verbosity;

  /** Set by {@link CommandFactory}. */
  Cli cli;

  private Reporter reporter;

  @Override
  public final Integer call() throws Exception {
    verbosity.check(spec);
    Logging.configure(verbosity.level());
    try {
      return execute();
    } finally {
      if (reporter != null) {
        reporter.finish();
      }
    }
  }

  /**
   * Does the command's work.
   *
   * @return the exit code
   */
  abstract int execute() throws Exception;

  /** Progress and information on stderr, as -q and -v say. */
  final Reporter reporter() {
    if (reporter == null) {
      reporter = new Reporter(cli, verbosity);
    }
    return reporter;
  }

  /** A usage error of this command: exit {@value Main#USAGE}, with the message. */
  final ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
