package dev.lockplane.backup.cli;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import dev.lockplane.backup.PruneResult;
import dev.lockplane.backup.Retention;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** The read-only and key commands, kept apart from the ones that take or restore backups. */
final class Commands {
  private Commands() {}

  static int keys(Args a, PrintStream out) {
    if (a.positional.size() != 1) {
      throw new Args.UsageException("keys needs one of: generate, rotate, show");
    }
    char[] pass = BackupCommand.passphrase(a);
    switch (a.positional.get(0)) {
      case "generate" -> {
        Keyset k = Keyset.generate();
        k.writeTo(Path.of(a.require("out")), pass);
        out.println(k);
      }
      case "rotate" -> {
        Path in = Path.of(a.require("in"));
        Keyset k = (pass == null ? Keyset.fromFile(in) : Keyset.fromFile(in, pass)).rotate();
        k.writeTo(Path.of(a.require("out")), pass);
        out.println(k);
      }
      case "show" -> {
        Path in = Path.of(a.require("in"));
        Keyset k = pass == null ? Keyset.fromFile(in) : Keyset.fromFile(in, pass);
        out.println(k + " keys " + k.keyIds().stream().map(Integer::toUnsignedString).toList());
      }
      default -> throw new Args.UsageException("keys needs one of: generate, rotate, show");
    }
    return 0;
  }

  static int list(BackupRepository repo, PrintStream out) {
    out.printf(Locale.ROOT, "%-24s %-8s %-20s %12s %12s %-10s %s%n", "ID", "KIND", "STARTED", "SIZE", "STORED", "VERIFIED", "TAGS");
    for (Backup b : repo.list()) {
      out.printf(Locale.ROOT, "%-24s %-8s %-20s %12d %12d %-10s %s%n", b.id(), b.kind().name().toLowerCase(Locale.ROOT),
          b.startTime().toString().substring(0, 19) + "Z", b.size(), b.storedSize(),
          b.lastVerified().map(t -> t.toString().substring(0, 10)).orElse("-"), String.join(",", b.tags()));
    }
    return 0;
  }

  static int show(BackupRepository repo, String id, boolean json, PrintStream out) {
    if (json) {
      out.println(repo.manifestJson(id));
      return 0;
    }
    Backup b = repo.show(id);
    out.println("id:        " + b.id());
    out.println("kind:      " + b.kind().name().toLowerCase(Locale.ROOT));
    out.println("started:   " + b.startTime());
    out.println("finished:  " + b.stopTime());
    out.println("server:    " + b.serverVersion());
    out.println("databases: " + String.join(", ", b.databases()));
    out.println("size:      " + b.size() + " bytes, stored " + b.storedSize() + " bytes in " + b.objects() + " objects");
    out.println("key id:    " + (b.keyId() < 0 ? "none (unencrypted)" : Long.toUnsignedString(b.keyId())));
    out.println("tags:      " + String.join(", ", b.tags()));
    out.println("verified:  " + b.lastVerified().map(Object::toString).orElse("never"));
    b.parentId().ifPresent(p -> out.println("parent:    " + p));
    out.println("tables:");
    b.rowCounts().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .forEach(e -> out.println("  " + e.getKey() + " " + e.getValue() + " rows"));
    return 0;
  }

  static int printPrune(PruneResult r, PrintStream out) {
    for (Retention.Decision d : r.decisions()) {
      out.println((d.keep() ? "keep   " : (r.dryRun() ? "would remove " : "removed ")) + d.backup().id()
          + (d.keep() ? "  (" + String.join("; ", d.reasons()) + ")" : ""));
    }
    for (String id : r.incomplete()) {
      out.println((r.dryRun() ? "would remove " : "removed ") + id + "  (incomplete: no manifest)");
    }
    return 0;
  }
}
