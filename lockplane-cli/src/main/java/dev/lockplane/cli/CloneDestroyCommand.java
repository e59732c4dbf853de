package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane clone destroy NAME}: the clone and its storage, gone (or a snapshot with --snapshot). */
@Command(name = "destroy", description = {"Destroy a clone and free its storage; its sessions are ended.",
    "With --snapshot SNAPSHOT instead of NAME: remove a snapshot that no clone uses (never the golden)."})
final class CloneDestroyCommand extends CloneWorkCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The clone.")
  String name;

  @Option(names = "--snapshot", paramLabel = "SNAPSHOT", description = "Remove this snapshot instead of a clone.")
  String snapshot;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    if ((name == null) == (snapshot == null)) {
      throw usage(name == null ? "Missing the clone's NAME (or --snapshot SNAPSHOT)" : "Give a clone's NAME or --snapshot, not both");
    }
    try (CloneStoreOptions.Opened o = open()) {
      String what;
      if (snapshot != null) {
        Snapshot s = snapshot(o, snapshot);
        o.manager().destroySnapshot(s);
        what = "Snapshot " + s.name();
      } else {
        Clone c = clone(o, name);
        c.destroy();
        what = "Clone " + c.name();
      }
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destroyed", snapshot != null ? snapshot : name);
        m.put("kind", snapshot != null ? "snapshot" : "clone");
        cli.out().print(Json.write(m));
      } else {
        cli.out().println(what + " destroyed.");
      }
    }
    return Main.OK;
  }
}
