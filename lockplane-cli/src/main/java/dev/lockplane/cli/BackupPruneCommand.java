package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.PruneResult;
import dev.lockplane.backup.Retention;
import dev.lockplane.cli.OutputOptions.Format;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane backup prune}: remove what the retention policy does not keep. */
@Command(name = "prune", description = {"Remove the backups the retention policy does not keep, and incomplete ones.",
    "The only valid backup is never removed."})
final class BackupPruneCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin EnvironmentOptions environment;
  @Mixin OutputOptions output;

  @Option(names = "--keep-last", paramLabel = "N", description = "Keep the last N backups.")
  Integer keepLast;

  @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the last backup of each of the last N days.")
  Integer keepDaily;

  @Option(names = "--keep-weekly", paramLabel = "N", description = "… of each of the last N weeks.")
  Integer keepWeekly;

  @Option(names = "--keep-monthly", paramLabel = "N", description = "… of each of the last N months.")
  Integer keepMonthly;

  @Option(names = "--keep-yearly", paramLabel = "N", description = "… of each of the last N years.")
  Integer keepYearly;

  @Option(names = "--keep-within", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Keep every backup younger than this, e.g. 7d, 12h.")
  Duration keepWithin;

  @Option(names = "--minimum", paramLabel = "N", description = "Never keep fewer than N backups.")
  Integer minimum;

  @Option(names = "--pin", paramLabel = "ID", description = "Always keep this backup (repeatable).")
  List<String> pins = new ArrayList<>();

  @Option(names = "--incomplete-older-than", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Remove incomplete backups (no manifest) older than this, e.g. 1h.")
  Duration incompleteOlderThan;

  @Option(names = "--dry-run", description = "Print what would be removed; remove nothing.")
  boolean dryRun;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    BackupRepository repo = repository.open(cli, spec, true);
    Retention p = Retention.policy();
    if (keepLast != null) {
      p = p.keepLast(keepLast);
    }
    if (keepDaily != null) {
      p = p.keepDaily(keepDaily);
    }
    if (keepWeekly != null) {
      p = p.keepWeekly(keepWeekly);
    }
    if (keepMonthly != null) {
      p = p.keepMonthly(keepMonthly);
    }
    if (keepYearly != null) {
      p = p.keepYearly(keepYearly);
    }
    if (keepWithin != null) {
      p = p.keepWithin(keepWithin);
    }
    if (minimum != null) {
      p = p.minimum(minimum);
    }
    if (!pins.isEmpty()) {
      p = p.pin(pins.toArray(String[]::new));
    }
    dev.lockplane.backup.PruneRequest req = repo.prune(p);
    if (incompleteOlderThan != null) {
      req.incompleteOlderThan(incompleteOlderThan);
    }
    PruneResult r = dryRun ? req.dryRun() : req.run();
    if (format == Format.JSON) {
      Map<String, Object> m = new TreeMap<>();
      m.put("dryRun", r.dryRun());
      m.put("decisions", r.decisions().stream().map(d -> Map.of("id", d.backup().id(), "keep", d.keep(),
          "reasons", d.reasons())).toList());
      m.put("removed", r.removed());
      m.put("incomplete", r.incomplete());
      m.put("walRemoved", r.walRemoved());
      m.put("walKept", r.walKept());
      cli.out().print(Json.write(m));
      return Main.OK;
    }
    for (Retention.Decision d : r.decisions()) {
      cli.out().println((d.keep() ? "keep   " : (r.dryRun() ? "would remove " : "removed ")) + d.backup().id()
          + (d.keep() ? "  (" + String.join("; ", d.reasons()) + ")" : ""));
    }
    for (String id : r.incomplete()) {
      cli.out().println((r.dryRun() ? "would remove " : "removed ") + id + "  (incomplete: no manifest)");
    }
    if (!r.walRemoved().isEmpty()) {
      cli.out().println((r.dryRun() ? "would remove " : "removed ") + r.walRemoved().size() + " archived WAL segments ("
          + r.walRemoved().get(0) + " .. " + r.walRemoved().get(r.walRemoved().size() - 1) + "): no kept backup needs them");
    }
    for (String k : r.walKept()) {
      cli.out().println("keep   WAL of " + k);
    }
    return Main.OK;
  }
}
