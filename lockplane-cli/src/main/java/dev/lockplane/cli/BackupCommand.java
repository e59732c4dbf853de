package dev.lockplane.cli;

import picocli.CommandLine.Command;

/** {@code lockplane backup}: the backup repository's commands. */
@Command(name = "backup", description = {"Backups: compressed, encrypted, checksummed, verified, pruned (docs/backups.md).",
    "Exit 0: done; 2: verify or compare found problems or differences."},
    subcommands = {BackupKeysCommand.class, BackupCreateCommand.class, BackupListCommand.class, BackupShowCommand.class,
        BackupVerifyCommand.class, BackupRestoreCommand.class, BackupExtractCommand.class, BackupCompareCommand.class,
        BackupPruneCommand.class, BackupTimelineCommand.class})
final class BackupCommand extends GroupCommand {
}
