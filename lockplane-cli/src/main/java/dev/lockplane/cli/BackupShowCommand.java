package dev.lockplane.cli;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.cli.OutputOptions.Format;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane backup show}: one backup's details, or its manifest as stored. */
@Command(name = "show", description = "Show one backup; --format json prints its manifest as stored (no key material).")
final class BackupShowCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin EnvironmentOptions environment;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "The backup id.")
  String id;

  @Option(names = "--json", hidden = true, description = "The same as --format json.")
  boolean json;

  @Override
  int execute() {
    Format format = json ? Format.JSON : output.format(spec, Format.TEXT, Format.JSON);
    BackupRepository repo = repository.open(cli, spec, true);
    PrintStream out = cli.out();
    if (format == Format.JSON) {
      out.println(repo.manifestJson(id));
      return Main.OK;
    }
    Backup b = repo.show(id);
    out.println("id:        " + b.id());
    out.println("kind:      " + b.kind().name().toLowerCase(Locale.ROOT));
    out.println("started:   " + b.startTime());
    out.println("finished:  " + b.stopTime());
    out.println("server:    " + b.serverVersion());
    out.println("databases: " + String.join(", ", b.databases()));
    out.println("type:      " + (b.incremental() ? "incremental" : "full"));
    out.println("size:      " + b.size() + " bytes, stored " + b.storedSize() + " bytes in " + b.objects() + " objects"
        + (b.incremental() ? " (the rest is stored by its chain)" : ""));
    out.println("key id:    " + (b.keyId() < 0 ? "none (unencrypted)" : Long.toUnsignedString(b.keyId())));
    out.println("tags:      " + String.join(", ", b.tags()));
    out.println("verified:  " + b.lastVerified().map(Object::toString).orElse("never"));
    b.parentId().ifPresent(p -> out.println("parent:    " + p));
    if (b.incremental()) {
      out.println("chain:     " + chain(repo, b));
    }
    out.println("tables:");
    b.rowCounts().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.println("  " + e.getKey() + " " + e.getValue() + " rows"));
    return Main.OK;
  }

  /** Describes the chain a restore reads, the backup itself first, naming a link that cannot be read. */
  private static String chain(BackupRepository repo, Backup b) {
    StringBuilder text = new StringBuilder(b.id() + " (stores " + b.storedSize() + " bytes)");
    Backup link = b;
    while (link.incremental()) {
      String parent = link.parentId().orElseThrow();
      try {
        link = repo.show(parent);
      } catch (dev.lockplane.backup.BackupException e) {
        return text + " <- " + parent + " (cannot be read: " + e.code() + "; the chain is broken)";
      }
      text.append(" <- ").append(link.id()).append(" (").append(link.incremental() ? "incremental" : "full").append(", stores ")
          .append(link.storedSize()).append(" bytes)");
    }
    return text.toString();
  }
}
