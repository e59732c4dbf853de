package dev.lockplane.cli;

import picocli.CommandLine.Command;

/** {@code lockplane backup}: the backup repository's commands. */
@Command(name = "backup", description = {"Backups: compressed, encrypted, checksummed, verified, pruned (docs/backups.md).",
    "Exit 0: done; 2: verify or compare found problems or differences."})
final class BackupCommand extends GroupCommand {
}
