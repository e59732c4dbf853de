package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --repo} and the keys that open it: {@code --keyset}, {@code --keyset-env}, {@code --passphrase-env},
 * {@code --unencrypted}. Without {@code --repo}, the repository comes from the {@code backup} key of the
 * environment named by {@code --env} (the command's {@link EnvironmentOptions}); so do the keys, unless
 * the command line names any of them.
 */
final class RepositoryOptions {
  static final String MISSING = "give --repo DIR|URI, or --env NAME whose lockplane.toml entry has backup = …";

  @Option(names = "--repo", paramLabel = "DIR|URI", description = "The backup repository: a directory, "
      + "or s3://bucket/prefix/ with credentials from the AWS environment (add ?endpoint=URL&region=R&pathStyle=true for "
      + "S3-compatible servers). Default: the backup of --env NAME in lockplane.toml.")
  String repo;

  @Option(names = "--keyset", paramLabel = "FILE", description = "The keyset file (lockplane backup keys generate).")
  Path keyset;

  @Option(names = "--keyset-env", paramLabel = "VAR", description = "An environment variable holding the keyset JSON.")
  String keysetEnv;

  @Option(names = "--passphrase-env", paramLabel = "VAR", description = "An environment variable holding the keyset's passphrase.")
  String passphraseEnv;

  @Option(names = "--unencrypted", description = "Store backups in clear (no keyset).")
  boolean unencrypted;

  /**
   * What opens the repository, after the command line and the environment are combined; the labels name
   * where each setting came from, for messages.
   */
  private record Settings(String location, String locationLabel, Path keyset, String keysetEnv, String keysetEnvLabel,
      String passphraseEnv, String passphraseLabel, boolean unencrypted) {}

  /**
   * Opens the repository. Only {@code create} may make a new one: the other commands read, and a
   * mistyped path must be an error, not a new empty repository.
   */
  BackupRepository.Builder builder(Cli cli, CommandSpec spec, boolean keysOptional, boolean create) {
    if (keyset != null && keysetEnv != null) {
      throw new ParameterException(spec.commandLine(), "give --keyset FILE or --keyset-env VAR, not both");
    }
    Settings s = settings(spec);
    BackupRepository.Builder b;
    if (s.location().startsWith("s3://")) {
      // a bucket has no "missing repository" state to check: a missing bucket is named by the first request
      try {
        b = BackupRepository.at(URI.create(s.location()));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), s.locationLabel() + " " + s.location().replaceAll("\\?.*", "?...")
            + " is not a valid URI: " + e.getMessage());
      }
    } else {
      Path dir = s.location().startsWith("file:") ? Path.of(URI.create(s.location())) : Path.of(s.location());
      if (!create && !Files.isDirectory(dir)) {
        throw new LockplaneException(ErrorCode.NOT_FOUND, "No backup repository at " + dir.toAbsolutePath() + ": "
            + spec.name() + " reads an existing repository and creates none. Check the path (" + s.locationLabel() + ").");
      }
      b = BackupRepository.at(dir);
    }
    Keyset k = keys(cli, spec, s);
    if (k != null) {
      b.encryptWith(k);
    } else if (s.unencrypted() || keysOptional) {
      b.unencrypted();
    } else {
      throw new ParameterException(spec.commandLine(), "give --keyset FILE, --keyset-env VAR, or --unencrypted"
          + (repo == null ? " (or backup-keyset, backup-keyset-env or backup-unencrypted in the environment)" : ""));
    }
    return b;
  }

  BackupRepository open(Cli cli, CommandSpec spec, boolean keysOptional) {
    return builder(cli, spec, keysOptional, false).open();
  }

  /** The command line's settings, with what it leaves out taken from the environment's backup keys. */
  private Settings settings(CommandSpec spec) {
    EnvironmentOptions options = EnvironmentOptions.of(spec);
    ConfigFile.Environment env = options == null ? null : options.environment(spec);
    ConfigFile.Backup file = env == null ? null : env.backup();
    String location = repo;
    String locationLabel = "--repo";
    if (location == null) {
      if (file == null || file.repository() == null) {
        throw new ParameterException(spec.commandLine(), env == null ? MISSING
            : "environment '" + env.name() + "' sets no backup; " + MISSING);
      }
      location = file.repository();
      locationLabel = "backup of environment '" + env.name() + "'";
    }
    // the keys go together: a keyset named on the command line replaces the environment's keyset and
    // passphrase, since its passphrase (if any) is another one
    if (keyset != null || keysetEnv != null || unencrypted || file == null) {
      return new Settings(location, locationLabel, keyset, keysetEnv, "--keyset-env", passphraseEnv, "--passphrase-env",
          unencrypted);
    }
    String from = " of environment '" + env.name() + "'";
    boolean ownPassphrase = passphraseEnv != null;
    return new Settings(location, locationLabel, file.keyset(), file.keysetEnv(), "backup-keyset-env" + from,
        ownPassphrase ? passphraseEnv : file.passphraseEnv(),
        ownPassphrase ? "--passphrase-env" : "backup-passphrase-env" + from, file.unencrypted());
  }

  private static Keyset keys(Cli cli, CommandSpec spec, Settings s) {
    char[] pass = passphrase(cli, spec, s.passphraseEnv(), s.passphraseLabel());
    if (s.keyset() != null) {
      return pass == null ? Keyset.fromFile(s.keyset()) : Keyset.fromFile(s.keyset(), pass);
    }
    if (s.keysetEnv() != null) {
      String json = cli.env(s.keysetEnv());
      if (json == null) {
        throw new LockplaneException(ErrorCode.KEY_UNAVAILABLE, "The environment variable " + s.keysetEnv()
            + " (" + s.keysetEnvLabel() + ") is not set: export the keyset JSON in it.");
      }
      try {
        return Keyset.parse(json, pass);
      } catch (LockplaneException e) {
        // Keyset.parse cannot know where the text came from; the user needs the variable's name.
        throw new LockplaneException(e.code(), e.getMessage().replace("the given text", "environment variable " + s.keysetEnv()), e);
      }
    }
    return null;
  }

  /** The passphrase in the named environment variable, or null when no variable is named. */
  static char[] passphrase(Cli cli, CommandSpec spec, String variable) {
    return passphrase(cli, spec, variable, "--passphrase-env");
  }

  private static char[] passphrase(Cli cli, CommandSpec spec, String variable, String label) {
    if (variable == null) {
      return null;
    }
    String v = cli.env(variable);
    if (v == null) {
      throw new ParameterException(spec.commandLine(), "the environment variable " + variable + " (" + label + ") is not set");
    }
    cli.secret(v);
    return v.toCharArray();
  }
}
