package dev.lockplane.benchmarks;

import dev.lockplane.backup.Progress;
import dev.lockplane.backup.ProgressListener;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The wall time of each phase of one backup operation, from its progress reports. */
final class PhaseClock implements ProgressListener {
  private final Map<Progress.Phase, Long> nanos = new EnumMap<>(Progress.Phase.class);
  private Progress.Phase current;
  private long since = System.nanoTime();

  @Override
  public synchronized void onProgress(Progress p) {
    if (p.phase() != current) {
      long now = System.nanoTime();
      if (current != null) {
        nanos.merge(current, now - since, Long::sum);
      }
      current = p.phase();
      since = now;
    }
  }

  /** The phases as rows of a Markdown table: phase, wall seconds. */
  synchronized String table() {
    StringBuilder out = new StringBuilder();
    nanos.forEach((phase, n) -> out.append(String.format(Locale.ROOT, "| %s | %.2f |%n", phase, n / 1e9)));
    return out.toString();
  }

  /** One line: each phase and its wall seconds. */
  synchronized String line() {
    StringBuilder out = new StringBuilder();
    nanos.forEach((phase, n) -> out.append(out.length() == 0 ? "" : ", ")
        .append(String.format(Locale.ROOT, "%s %.2f s", phase.name().toLowerCase(Locale.ROOT), n / 1e9)));
    return out.toString();
  }
}
