package dev.lockplane.cli;

import picocli.CommandLine.Command;

/** {@code lockplane wal}: the repository's continuous WAL archive. */
@Command(name = "wal", description = {"The WAL archive that point-in-time recovery replays (docs/backups.md).",
    "archive streams a server's WAL through a replication slot; push is an archive_command; status shows coverage and lag."})
final class WalCommand extends GroupCommand {
}
