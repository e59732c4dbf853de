package dev.lockplane.cli;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.cli.OutputOptions.Format;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lockplane backup list}: the complete backups, oldest first. */
@Command(name = "list", description = {"List the repository's complete backups, oldest first (no keys needed).",
    "TYPE is full or incremental; an incremental's SIZE is what it restores, STORED what it stores itself."})
final class BackupListCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin EnvironmentOptions environment;
  @Mixin OutputOptions output;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    BackupRepository repo = repository.open(cli, spec, true);
    List<Backup> backups = repo.list();
    PrintStream out = cli.out();
    if (format == Format.JSON) {
      out.print(Json.write(backups.stream().map(BackupJson::of).toList()));
      return Main.OK;
    }
    out.printf(Locale.ROOT, "%-24s %-8s %-11s %-24s %-20s %12s %12s %-10s %s%n", "ID", "KIND", "TYPE", "PARENT", "STARTED",
        "SIZE", "STORED", "VERIFIED", "TAGS");
    for (Backup b : backups) {
      out.printf(Locale.ROOT, "%-24s %-8s %-11s %-24s %-20s %12d %12d %-10s %s%n", b.id(), b.kind().name().toLowerCase(Locale.ROOT),
          b.incremental() ? "incremental" : "full", b.parentId().orElse("-"),
          b.startTime().toString().substring(0, 19) + "Z", b.size(), b.storedSize(),
          b.lastVerified().map(t -> t.toString().substring(0, 10)).orElse("-"), String.join(",", b.tags()));
    }
    return Main.OK;
  }
}
