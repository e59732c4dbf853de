package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane clone reset NAME}: back to the snapshot, every change gone. */
@Command(name = "reset", description = {
    "Reset a clone to its snapshot (or to --snapshot), discarding every change; sessions are ended.",
    "A clone's login role (create --clone-user) keeps its password and owns the fresh copy."})
final class CloneResetCommand extends CloneWorkCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The clone.")
  String name;

  @Option(names = "--snapshot", paramLabel = "SNAPSHOT", description = "Make the clone a copy of this snapshot instead.")
  String snapshot;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    try (CloneStoreOptions.Opened o = open()) {
      Clone c = clone(o, name);
      java.util.Optional<String> role = CloneRoles.of(o, c);
      if (snapshot == null) {
        c.reset();
      } else {
        c.reset(snapshot(o, snapshot));
      }
      role.ifPresent(r -> CloneRoles.restore(o, c, r));
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clone", CloneViews.json(c, null, false, role.orElse(c.user())));
        m.put("reset", true);
        cli.out().print(Json.write(m));
      } else {
        cli.out().println("Clone " + c.name() + " reset to " + c.snapshot().name() + " (data from "
            + CloneViews.time(c.snapshot().dataStateAt()) + ")" + role.map(r -> "; role " + r + " owns it again").orElse("") + ".");
      }
    }
    return Main.OK;
  }
}
