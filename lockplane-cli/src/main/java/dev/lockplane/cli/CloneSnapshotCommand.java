package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane clone snapshot NAME}: freeze a clone's state for further clones. */
@Command(name = "snapshot", description = {
    "Freeze a clone's current state into a snapshot that new clones (create --snapshot) and resets can copy.",
    "Database clones: what the clone's login role owns is owned by the server's role in the snapshot."})
final class CloneSnapshotCommand extends CloneWorkCommand {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Parameters(index = "0", paramLabel = "NAME", description = "The clone.")
  String name;

  @Option(names = "--as", paramLabel = "SNAPSHOT", description = "The snapshot's name (default: NAME-yyyyMMdd-HHmmss).")
  String as;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    try (CloneStoreOptions.Opened o = open()) {
      Clone c = clone(o, name);
      String snapName = as != null ? as : name + "-" + STAMP.format(java.time.Instant.now());
      java.util.Optional<String> role = CloneRoles.of(o, c);
      Snapshot s = o.manager().snapshot(snapName, c);
      role.ifPresent(r -> CloneRoles.afterSnapshot(o, c, r));
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", CloneViews.json(s, false));
        m.put("clone", CloneViews.json(c, null, false, role.orElse(c.user())));
        cli.out().print(Json.write(m));
      } else {
        cli.out().println("Snapshot " + s.name() + " taken of clone " + c.name() + ".");
      }
    }
    return Main.OK;
  }
}
