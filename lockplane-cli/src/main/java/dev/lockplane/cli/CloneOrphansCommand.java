package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.clones.Orphan;
import dev.lockplane.clones.Orphans;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane clone orphans}: clones whose owning process is gone, listed or removed. */
@Command(name = "orphans", description = {
    "List (or with --remove, drop) the clones that killed processes left on the server in --url.",
    "Orphans are clones, snapshots and unfinished goldens whose owning process is gone: made by a clone manager",
    "that was killed. Kept clones (those of lockplane clone create, too) and goldens are never orphans.",
    "Exit 0: none found (or all removed); 2: orphans listed."})
final class CloneOrphansCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--remove", description = "Drop the orphans found (each is checked again just before).")
  boolean remove;

  @Option(names = "--other-hosts-after", paramLabel = "AGE", converter = DurationConverter.class,
      description = "Also count databases made on other hosts once older than AGE (e.g. 2d); by default never.")
  Duration otherHostsAfter;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Target target = connection.target(cli, spec);
    if (!target.postgres()) {
      throw usage("Invalid value for option '--url': clones live on a PostgreSQL server, give jdbc:postgresql://… or postgres://…");
    }
    Orphans orphans = CloneManagers.orphans(target.url(), target.user() == null ? "" : target.user(),
        target.password() == null ? "" : target.password());
    if (otherHostsAfter != null) {
      orphans = orphans.otherHostsAfter(otherHostsAfter);
    }
    List<Orphan> found = remove ? orphans.removeAll() : orphans.list();
    PrintStream out = cli.out();
    if (format == Format.JSON) {
      out.print(Json.write(Map.of("removed", remove, "orphans", found.stream().map(CloneOrphansCommand::json).toList())));
    } else if (found.isEmpty()) {
      out.println("No orphaned clones on " + target.shown() + ".");
    } else {
      out.printf(Locale.ROOT, "%-40s %-18s %-10s %-24s %s%n", "DATABASE", "KIND", "OWNER PID", "CREATED", "WHY");
      for (Orphan o : found) {
        out.printf(Locale.ROOT, "%-40s %-18s %-10d %-24s %s%n", o.database(), o.kind().name().toLowerCase(Locale.ROOT),
            o.ownerPid(), o.created(), o.reason());
      }
      out.println(found.size() + (remove ? " removed." : " orphan(s); run again with --remove to drop them."));
    }
    return found.isEmpty() || remove ? Main.OK : Main.CHANGES;
  }

  private static Map<String, Object> json(Orphan o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("database", o.database());
    m.put("kind", o.kind().name().toLowerCase(Locale.ROOT));
    m.put("name", o.name());
    m.put("ownerPid", o.ownerPid());
    m.put("ownerHost", o.ownerHost());
    m.put("manager", o.manager());
    m.put("created", o.created().toString());
    m.put("reason", o.reason());
    return m;
  }
}
