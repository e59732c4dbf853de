package dev.lockplane.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --format}: how a command prints its result. Each command says which formats it has. */
final class OutputOptions {
  /** The result formats. */
  enum Format { TEXT, JSON, MARKDOWN, HTML }

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Result format: text (default) or json; plan, validate and trace also print markdown, trace html.")
  String format;

  /** Returns the chosen format, or fails naming the ones this command accepts. */
  Format format(CommandSpec spec, Format... accepted) {
    for (Format f : accepted) {
      if (f.name().equalsIgnoreCase(format.trim())) {
        return f;
      }
    }
    throw new ParameterException(spec.commandLine(), "Invalid value for option '--format': '" + format + "' is not one of "
        + Arrays.stream(accepted).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
  }
}
