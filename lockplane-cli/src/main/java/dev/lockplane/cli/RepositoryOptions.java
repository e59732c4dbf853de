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

/** {@code --repo} and the keys that open it: {@code --keyset}, {@code --keyset-env}, {@code --passphrase-env}, {@code --unencrypted}. */
final class RepositoryOptions {
  @Option(names = "--repo", paramLabel = "DIR|URI", required = true, description = "The backup repository: a directory, "
      + "or s3://bucket/prefix/ with credentials from the AWS environment (add ?endpoint=URL&region=R&pathStyle=true for "
      + "S3-compatible servers).")
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
   * Opens the repository. Only {@code create} may make a new one: the other commands read, and a
   * mistyped path must be an error, not a new empty repository.
   */
  BackupRepository.Builder builder(Cli cli, CommandSpec spec, boolean keysOptional, boolean create) {
    if (keyset != null && keysetEnv != null) {
      throw new ParameterException(spec.commandLine(), "give --keyset FILE or --keyset-env VAR, not both");
    }
    BackupRepository.Builder b;
    if (repo.startsWith("s3://")) {
      // a bucket has no "missing repository" state to check: a missing bucket is named by the first request
      try {
        b = BackupRepository.at(URI.create(repo));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--repo " + repo.replaceAll("\\?.*", "?...") + " is not a valid URI: " + e.getMessage());
      }
    } else {
      Path dir = repo.startsWith("file:") ? Path.of(URI.create(repo)) : Path.of(repo);
      if (!create && !Files.isDirectory(dir)) {
        throw new LockplaneException(ErrorCode.NOT_FOUND, "No backup repository at " + dir.toAbsolutePath() + ": "
            + spec.name() + " reads an existing repository and creates none. Check the path (--repo, --from-backup).");
      }
      b = BackupRepository.at(dir);
    }
    Keyset k = keys(cli, spec);
    if (k != null) {
      b.encryptWith(k);
    } else if (unencrypted || keysOptional) {
      b.unencrypted();
    } else {
      throw new ParameterException(spec.commandLine(), "give --keyset FILE, --keyset-env VAR, or --unencrypted");
    }
    return b;
  }

  BackupRepository open(Cli cli, CommandSpec spec, boolean keysOptional) {
    return builder(cli, spec, keysOptional, false).open();
  }

  private Keyset keys(Cli cli, CommandSpec spec) {
    char[] pass = passphrase(cli, spec, passphraseEnv);
    if (keyset != null) {
      return pass == null ? Keyset.fromFile(keyset) : Keyset.fromFile(keyset, pass);
    }
    if (keysetEnv != null) {
      String json = cli.env(keysetEnv);
      if (json == null) {
        throw new LockplaneException(ErrorCode.KEY_UNAVAILABLE, "The environment variable " + keysetEnv
            + " (--keyset-env) is not set: export the keyset JSON in it.");
      }
      try {
        return Keyset.parse(json, pass);
      } catch (LockplaneException e) {
        // Keyset.parse cannot know where the text came from; the user needs the variable's name.
        throw new LockplaneException(e.code(), e.getMessage().replace("the given text", "environment variable " + keysetEnv), e);
      }
    }
    return null;
  }

  /** The passphrase in the named environment variable, or null when no variable is named. */
  static char[] passphrase(Cli cli, CommandSpec spec, String variable) {
    if (variable == null) {
      return null;
    }
    String v = cli.env(variable);
    if (v == null) {
      throw new ParameterException(spec.commandLine(), "the environment variable " + variable + " (--passphrase-env) is not set");
    }
    cli.secret(v);
    return v.toCharArray();
  }
}
