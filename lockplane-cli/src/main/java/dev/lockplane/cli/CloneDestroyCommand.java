package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane clone destroy NAME}: the clone and its storage, gone (or a snapshot with --snapshot). */
@Command(name = "destroy", description = {"Destroy a clone and free its storage; its sessions are ended.",
    "With --snapshot SNAPSHOT instead of NAME: remove a snapshot that no clone uses (never the golden).",
    "A clone's login role (create --clone-user) is dropped with it."})
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
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("destroyed", snapshot != null ? snapshot : name);
      m.put("kind", snapshot != null ? "snapshot" : "clone");
      if (snapshot != null) {
        Snapshot s = snapshot(o, snapshot);
        m.put("snapshot", CloneViews.json(s, false));
        o.manager().destroySnapshot(s);
        what = "Snapshot " + s.name();
      } else {
        Clone c = clone(o, name);
        Optional<String> role = CloneRoles.of(o, c);
        Map<String, Object> view = CloneViews.json(c, null, false, role.orElse(c.user()));
        c.destroy();
        role.ifPresent(r -> CloneRoles.drop(o, c, r));
        view.put("state", "destroyed");
        view.remove("size");
        view.remove("ownUsage");
        view.remove("port");
        m.put("clone", view);
        m.put("roleDropped", role.orElse(null));
        what = "Clone " + c.name() + role.map(r -> " and its role " + r).orElse("");
      }
      if (format == Format.JSON) {
        cli.out().print(Json.write(m));
      } else {
        cli.out().println(what + " destroyed.");
      }
    }
    return Main.OK;
  }
}
