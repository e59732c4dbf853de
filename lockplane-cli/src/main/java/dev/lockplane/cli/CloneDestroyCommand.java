package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.Clone;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lockplane clone destroy NAME}: the clone and its storage, gone. */
@Command(name = "destroy", description = {"Destroy a clone and free its storage; its sessions are ended."})
final class CloneDestroyCommand extends CloneWorkCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The clone.")
  String name;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    try (CloneStoreOptions.Opened o = open()) {
      Clone c = clone(o, name);
      c.destroy();
      if (format == Format.JSON) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destroyed", c.name());
        cli.out().print(Json.write(m));
      } else {
        cli.out().println("Clone " + c.name() + " destroyed.");
      }
    }
    return Main.OK;
  }
}
