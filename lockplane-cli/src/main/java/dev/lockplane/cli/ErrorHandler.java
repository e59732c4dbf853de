package dev.lockplane.cli;

import dev.lockplane.LockplaneException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The one place errors become messages and exit codes: usage errors exit {@value Main#USAGE},
 * everything else {@value Main#ERROR}. Messages are masked; a stack trace is printed only with
 * {@code --debug}.
 */
final class ErrorHandler implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
  private final Cli cli;

  ErrorHandler(Cli cli) {
    this.cli = cli;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String name = cmd.getCommandSpec().qualifiedName();
    cli.error(name + ": " + ex.getMessage());
    StringWriter suggestions = new StringWriter();
    if (CommandLine.UnmatchedArgumentException.printSuggestions(ex, new PrintWriter(suggestions))) {
      cli.error(suggestions.toString().stripTrailing());
    }
    cli.error("Run '" + name + " --help' for its options.");
    if (debug(cmd)) {
      printStackTrace(ex);
    }
    return Main.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
    String name = cmd.getCommandSpec().qualifiedName();
    Throwable cause = ex instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
    if (ex instanceof LockplaneException e) {
      cli.error(name + ": " + e.code() + ": " + e.getMessage());
    } else if (cause instanceof java.nio.file.NoSuchFileException e) {
      cli.error(name + ": No file at " + e.getFile() + ". Check the path.");
    } else if (cause instanceof java.nio.file.AccessDeniedException e) {
      cli.error(name + ": Permission denied: " + e.getFile() + ".");
    } else {
      // Not one of ours: the type says more than a bare message (NoSuchFileException: plan.json).
      cli.error(name + ": " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
          + (debug(cmd) ? "" : " (run with --debug for details)"));
    }
    if (debug(cmd)) {
      printStackTrace(ex);
    }
    return Main.ERROR;
  }

  private static boolean debug(CommandLine cmd) {
    return cmd.getCommand() instanceof BaseCommand c && c.verbosity != null && c.verbosity.debug;
  }

  private void printStackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    cli.err().print(cli.mask(w.toString()));
    cli.err().flush();
  }
}
