package dev.lockplane.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lockplane}: the top of the command tree (its commands are named in {@link CommandTree}). */
@Command(name = "lockplane", versionProvider = VersionProvider.class,
    description = {"Safe schema changes, backups and clones for PostgreSQL and SQLite.", ""},
    footer = {"", "Exit codes: 0 nothing to do or done, 2 changes, drift or findings, 1 error, 64 usage error.",
        "Passwords: --password-file, the URL, LOCKPLANE_PASSWORD, PGPASSWORD or ~/.pgpass (PGPASSFILE).",
        "Run 'lockplane COMMAND --help' for a command's options."})
final class LockplaneCommand extends GroupCommand {
  @CommandLine.Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
  boolean version;
}
