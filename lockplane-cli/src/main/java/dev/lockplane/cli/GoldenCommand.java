package dev.lockplane.cli;

import picocli.CommandLine.Command;

/** {@code lockplane golden}: the golden database that clones copy. */
@Command(name = "golden", description = {"Prepare the golden database that clones copy (docs/clones-cli.md)."})
final class GoldenCommand extends GroupCommand {
}
