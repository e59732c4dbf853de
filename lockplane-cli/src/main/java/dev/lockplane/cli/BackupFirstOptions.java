package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.BeforeApplyBackup;
import dev.lockplane.plan.ApplyBackup;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --backup-to REPO --backup-first always|risky} and the backup repository's keys: the backup an
 * apply takes before its first step. Without {@code --backup-to}, {@code --backup-first} uses the backup
 * repository of the {@code --env} environment, as the backup commands do.
 */
final class BackupFirstOptions {
  @Option(names = "--backup-to", paramLabel = "DIR|URI", description = {
      "Back up the database into this repository before the first step (SQLite: the file; PostgreSQL:",
      "over the replication protocol, the role needs REPLICATION). The backup id is recorded in the",
      "history. Default with --backup-first: the backup of --env NAME in lockplane.toml."})
  String backupTo;

  @Option(names = "--backup-first", paramLabel = "WHEN", description = {
      "always, or risky (the default with --backup-to): only for plans with a step that destroys data",
      "or is lossy or dangerous."})
  String backupFirst;

  @Option(names = "--backup-keyset", paramLabel = "FILE", description = "The keyset of the --backup-to repository.")
  Path keyset;

  @Option(names = "--backup-keyset-env", paramLabel = "VAR", description = "A variable holding that keyset's JSON.")
  String keysetEnv;

  @Option(names = "--backup-passphrase-env", paramLabel = "VAR", description = "A variable holding the keyset's passphrase.")
  String passphraseEnv;

  @Option(names = "--backup-unencrypted", description = "Store the backup in clear (no keyset).")
  boolean unencrypted;

  /** Whether a backup was asked for. */
  boolean requested() {
    return backupTo != null || backupFirst != null;
  }

  /** When to back up: --backup-first, default risky. */
  ApplyBackup.When when(CommandSpec spec) {
    if (backupFirst == null) {
      return ApplyBackup.When.RISKY;
    }
    return switch (backupFirst.toLowerCase(Locale.ROOT)) {
      case "always" -> ApplyBackup.When.ALWAYS;
      case "risky" -> ApplyBackup.When.RISKY;
      default -> throw new ParameterException(spec.commandLine(), "Invalid value for option '--backup-first': '"
          + backupFirst + "' is not one of always, risky");
    };
  }

  /** Opens the repository (created when missing); the caller closes it after the apply. */
  BackupRepository open(Cli cli, CommandSpec spec) {
    EnvironmentOptions env = EnvironmentOptions.of(spec);
    if (backupTo == null && (env == null || env.environment(spec) == null)) {
      throw new ParameterException(spec.commandLine(), "--backup-first needs --backup-to DIR|URI, or --env NAME whose "
          + "lockplane.toml entry has backup = …");
    }
    RepositoryOptions r = new RepositoryOptions();
    r.repo = backupTo;
    r.keyset = keyset;
    r.keysetEnv = keysetEnv;
    r.passphraseEnv = passphraseEnv;
    r.unencrypted = unencrypted;
    return r.builder(cli, spec, false, true).open();
  }

  /** The hook that backs up the target: its own credentials reach PostgreSQL over replication. */
  static ApplyBackup hook(BackupRepository repo, Target target) {
    BeforeApplyBackup b = repo.beforeApply();
    return target.postgres() ? b.credentials(target.user(), target.password()) : b;
  }
}
