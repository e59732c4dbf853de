package dev.lockplane.cli;

import picocli.CommandLine.Command;

/** {@code lockplane clone}: clones on a server. */
@Command(name = "clone", description = {"Database-level clones on a PostgreSQL server (docs/clones.md)."},
    subcommands = {CloneOrphansCommand.class})
final class CloneCommand extends GroupCommand {
}
