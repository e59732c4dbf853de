package dev.lockplane.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --env NAME --config FILE}: an environment of {@code lockplane.toml}. Commands that connect get
 * these through {@link ConnectionOptions}; commands that only open a backup repository mix this in
 * alone, so {@link RepositoryOptions} finds one on every command (see {@link #of}).
 */
class EnvironmentOptions {
  @Option(names = "--env", paramLabel = "NAME", description = {
      "Take the settings of environment NAME from lockplane.toml (in the working directory or a parent,",
      "or --config); options given on the command line override them."})
  String env;

  @Option(names = "--config", paramLabel = "FILE", description = "The configuration file for --env (default: lockplane.toml found upwards).")
  Path config;

  private ConfigFile.Environment environment;

  /** The {@code --env}/{@code --config} options mixed into a command, or null when it has none. */
  static EnvironmentOptions of(CommandSpec spec) {
    for (CommandSpec mixin : spec.mixins().values()) {
      if (mixin.userObject() instanceof EnvironmentOptions e) {
        return e;
      }
    }
    return null;
  }

  /** The environment named by --env, or null without it. */
  ConfigFile.Environment environment(CommandSpec spec) {
    if (env == null) {
      if (config != null) {
        throw new ParameterException(spec.commandLine(), "--config goes with --env NAME (or drift --all): name the environment to use");
      }
      return null;
    }
    if (environment == null) {
      environment = configFile(spec).environment(env);
    }
    return environment;
  }

  /** The configuration: --config, else lockplane.toml in the working directory or a parent. */
  ConfigFile configFile(CommandSpec spec) {
    Path file = config;
    if (file == null) {
      Path cwd = Path.of(System.getProperty("user.dir"));
      file = ConfigFile.find(cwd);
      if (file == null) {
        throw new ParameterException(spec.commandLine(), "no " + ConfigFile.NAME + " in "
            + cwd.toAbsolutePath() + " or its parents; give --config FILE");
      }
    } else if (!Files.isRegularFile(file)) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--config': no file " + file);
    }
    return ConfigFile.read(file);
  }
}
