package dev.lockplane.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How to apply (apply and rollback): {@code --lock-timeout}, {@code --statement-timeout}, {@code
 * --lock-wait} and {@code --allow-data-loss}.
 */
final class TimeoutOptions {
  @Option(names = "--lock-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "lock_timeout while applying, e.g. 5s, 500ms, PT5S (default 5s).")
  Duration lockTimeout;

  @Option(names = "--statement-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "statement_timeout while applying, e.g. 1m (default none).")
  Duration statementTimeout;

  @Option(names = "--lock-wait", paramLabel = "DURATION", converter = DurationConverter.class,
      description = {"How long to wait for another apply to the same database to finish (default 1m);",
          "0 fails at once. The error names the apply that holds the lock."})
  Duration lockWait;

  @Option(names = "--allow-data-loss", description = {"Apply even when a step drops a table or column that holds rows",
      "(default: refused, naming each table and its row count)."})
  boolean allowDataLoss;
}
