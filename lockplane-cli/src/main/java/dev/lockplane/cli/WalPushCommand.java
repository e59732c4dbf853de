package dev.lockplane.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lockplane wal push FILE}: PostgreSQL's {@code archive_command}. */
@Command(name = "push", description = {
    "Archive one WAL file, as PostgreSQL's archive_command where a replication slot is not wanted:",
    "  archive_command = 'lockplane wal push --repo /backups --keyset /etc/lockplane/keys.json %p'",
    "Exit 0: archived, or the same file was already archived; 1: not archived (PostgreSQL retries)."})
final class WalPushCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin EnvironmentOptions environment;

  @Parameters(index = "0", paramLabel = "FILE", description = "The WAL segment or history file (%p).")
  Path file;

  @Override
  int execute() {
    boolean now = repository.builder(cli, spec, false, true).open().pushWal(file);
    cli.out().println((now ? "archived " : "already archived ") + file.getFileName());
    return Main.OK;
  }
}
