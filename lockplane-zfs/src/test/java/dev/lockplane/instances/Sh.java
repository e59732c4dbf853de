package dev.lockplane.instances;

import dev.lockplane.internal.os.ProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs the system commands that test fixtures need (mkfs, mount, zpool), failing loudly. */
final class Sh {
  private Sh() {}

  static String run(String... cmd) {
    ProcessRunner.Result r = tryRun(cmd);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + r.exitCode() + "): " + r.output());
    }
    return r.output();
  }

  static ProcessRunner.Result tryRun(String... cmd) {
    try {
      return ProcessRunner.run(List.of(cmd), null, Map.of("LC_ALL", "C"), Duration.ofMinutes(2));
    } catch (IOException e) {
      return new ProcessRunner.Result(List.of(cmd), 127, e.toString());
    }
  }

  static boolean has(String command) {
    return tryRun("sh", "-c", "command -v " + command).ok();
  }
}
