package dev.lockplane.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --lock-timeout} and {@code --statement-timeout} for applying. */
final class TimeoutOptions {
  @Option(names = "--lock-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "lock_timeout while applying, e.g. 5s, 500ms, PT5S (default 5s).")
  Duration lockTimeout;

  @Option(names = "--statement-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "statement_timeout while applying, e.g. 1m (default none).")
  Duration statementTimeout;
}
