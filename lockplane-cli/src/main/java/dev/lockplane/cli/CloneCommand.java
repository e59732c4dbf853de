package dev.lockplane.cli;

import picocli.CommandLine.Command;

/** {@code lockplane clone}: clones on a server or a store. */
@Command(name = "clone", description = {"Create, list, reset, snapshot and destroy clones that outlive the command (docs/clones-cli.md)."})
final class CloneCommand extends GroupCommand {
}
