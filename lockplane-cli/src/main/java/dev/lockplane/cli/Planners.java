package dev.lockplane.cli;

import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.safety.SafetyLevel;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/** A planner configured from the options a command has (null for those it does not). */
final class Planners {
  private Planners() {}

  static Planner build(Cli cli, CommandSpec spec, ConnectionOptions connection, SchemaOptions schema,
      SafetyLevel safety, TimeoutOptions timeouts) {
    return build(cli, spec, connection, schema, safety, timeouts, null, null);
  }

  /** A planner that also backs up before applying ({@code backup} null for none). */
  static Planner build(Cli cli, CommandSpec spec, ConnectionOptions connection, SchemaOptions schema,
      SafetyLevel safety, TimeoutOptions timeouts, dev.lockplane.plan.ApplyBackup backup,
      dev.lockplane.plan.ApplyBackup.When when) {
    Planner.Builder b = Lockplane.planner();
    if (backup != null) {
      b.backupFirst(backup, when);
    }
    ConfigFile.Environment env = connection.environment(spec);
    SafetyLevel level = safety != null ? safety : env == null ? null : env.safety();
    if (level != null) {
      b.safety(level);
    }
    if (env != null && !env.ignore().isEmpty()) {
      b.ignoreRules(env.ignore());
    }
    if (timeouts != null) {
      // The command line overrides the environment, which overrides the planner's defaults.
      Duration lockTimeout = first(timeouts.lockTimeout, env == null ? null : env.lockTimeout());
      Duration statementTimeout = first(timeouts.statementTimeout, env == null ? null : env.statementTimeout());
      Duration lockWait = first(timeouts.lockWait, env == null ? null : env.lockWait());
      if (lockTimeout != null) {
        b.lockTimeout(lockTimeout);
      }
      if (statementTimeout != null) {
        b.statementTimeout(statementTimeout);
      }
      if (lockWait != null) {
        b.applyLockWait(lockWait);
      }
    }
    if (schema != null) {
      withEnvironment(spec, connection, schema);
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

  private static Duration first(Duration option, Duration environment) {
    return option != null ? option : environment;
  }

  /** Fills --schema and --scratch-url from the --env environment where the command line left them out. */
  static SchemaOptions withEnvironment(CommandSpec spec, ConnectionOptions connection, SchemaOptions schema) {
    ConfigFile.Environment env = connection.environment(spec);
    if (env != null && schema.schema == null) {
      schema.schema = env.schema();
    }
    if (env != null && schema.scratchUrl == null) {
      schema.scratchUrl = env.scratchUrl();
    }
    return schema;
  }

  /** {@code --schema} (or the --env environment's schema) is required by this command. */
  static SchemaOptions requireSchema(CommandSpec spec, ConnectionOptions connection, SchemaOptions schema) {
    withEnvironment(spec, connection, schema);
    if (schema.schema == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--schema=FILE|DIR'");
    }
    return schema;
  }
}
