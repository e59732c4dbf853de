package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.instances.InstanceCloneManager;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lockplane clone list}: the clones and snapshots of a server prefix or a store. */
@Command(name = "list", description = {
    "List the clones (state, snapshot, its data time, size, own disk usage) and the snapshots.",
    "Sizes: instance clones know their size and the space they take of their own; database clones their size."})
final class CloneListCommand extends CloneWorkCommand {
  @Option(names = "--max-age", paramLabel = "AGE", converter = DurationConverter.class,
      description = "Warn about snapshots in use whose data is older than AGE (default: [clones] max-age in lockplane.toml).")
  Duration maxAge;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    try (CloneStoreOptions.Opened o = open()) {
      List<Clone> clones = new ArrayList<>(o.manager() instanceof InstanceCloneManager im ? im.instances() : o.manager().list());
      Map<String, Long> sizes = CloneViews.databaseSizes(clones);
      Map<String, String> roles = CloneRoles.of(o, clones);
      List<Snapshot> snapshots = o.manager().snapshots();
      Snapshot golden = o.manager().golden();
      PrintStream out = cli.out();
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", o.instances() ? "instance" : "database");
        m.put("where", o.where());
        m.put("clones", clones.stream()
            .map(c -> CloneViews.json(c, sizes.get(c.name()), false, roles.getOrDefault(c.name(), c.user()))).toList());
        m.put("snapshots", snapshots.stream().map(s -> CloneViews.json(s, s.equals(golden))).toList());
        out.print(Json.write(m));
      } else {
        Instant now = Instant.now();
        if (clones.isEmpty()) {
          out.println("No clones in " + o.where() + ".");
        } else {
          out.printf(Locale.ROOT, "%-24s %-9s %-32s %-21s %-10s %-10s %s%n",
              "NAME", "STATE", "SNAPSHOT", "DATA FROM", "SIZE", "OWN", "URL");
          for (Clone c : clones) {
            Long size = c instanceof InstanceClone ic ? Long.valueOf(ic.logicalSize()) : sizes.get(c.name());
            Long own = c instanceof InstanceClone ic ? Long.valueOf(ic.diskUsage().used()) : null;
            String state = c instanceof InstanceClone ic ? ic.state().name().toLowerCase(Locale.ROOT) : "ok";
            out.printf(Locale.ROOT, "%-24s %-9s %-32s %-21s %-10s %-10s %s%n", c.name(), state, c.snapshot().name(),
                CloneViews.time(c.snapshot().dataStateAt()), CloneViews.bytes(size), CloneViews.bytes(own),
                CloneViews.postgresUrl(c, roles.getOrDefault(c.name(), c.user())));
          }
        }
        out.println();
        out.printf(Locale.ROOT, "%-32s %-21s %-8s %s%n", "SNAPSHOT", "DATA FROM", "AGE", "DESCRIPTION");
        for (Snapshot s : snapshots) {
          out.printf(Locale.ROOT, "%-32s %-21s %-8s %s%n", s.name() + (s.equals(golden) ? " (golden)" : ""),
              CloneViews.time(s.dataStateAt()), CloneViews.age(s.dataAge(now)), s.description());
        }
      }
      Set<Snapshot> used = new LinkedHashSet<>();
      used.add(golden);
      clones.forEach(c -> used.add(c.snapshot()));
      used.forEach(s -> warnIfOld(s, maxAge));
    }
    return Main.OK;
  }
}
