package dev.lockplane.cli;

import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.SafetyLevel;
import picocli.CommandLine.Model.CommandSpec;

/** A planner configured from the options a command has (null for those it does not). */
final class Planners {
  private Planners() {}

  static Planner build(Cli cli, CommandSpec spec, ConnectionOptions connection, SchemaOptions schema,
      SafetyLevel safety, TimeoutOptions timeouts) {
    Planner.Builder b = Lockplane.planner();
    if (safety != null) {
      b.safety(safety);
    }
    if (timeouts != null && timeouts.lockTimeout != null) {
      b.lockTimeout(timeouts.lockTimeout);
    }
    if (timeouts != null && timeouts.statementTimeout != null) {
      b.statementTimeout(timeouts.statementTimeout);
    }
    if (timeouts != null && timeouts.lockWait != null) {
      b.applyLockWait(timeouts.lockWait);
    }
    if (timeouts != null && timeouts.allowDataLoss) {
      b.allowDataLoss(true);
    }
    if (schema != null && schema.scratchUrl != null) {
      Target scratch = connection.resolve(cli, spec, schema.scratchUrl, "--scratch-url");
      if (!scratch.postgres()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "Invalid value for option '--scratch-url': a PostgreSQL URL is needed, not " + scratch.shown());
      }
      b.scratchServer(scratch.url(), scratch.user() == null ? "" : scratch.user(),
          scratch.password() == null ? "" : scratch.password());
    }
    return b.build();
  }

  /** {@code --schema} is required by this command. */
  static SchemaOptions requireSchema(CommandSpec spec, SchemaOptions schema) {
    if (schema.schema == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--schema=FILE|DIR'");
    }
    return schema;
  }
}
