package dev.lockplane.trace;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The workload's side of a trace: the baseline run without the migration, the threshold above which a
 * query counts as waiting, and each statement's impact (keyed by statement number; the migration ran
 * a second time for this, on its own clone, without the trace's pauses between statements).
 *
 * @param baselineQueries how many queries the baseline ran
 * @param baselineP99 their 99th percentile latency
 * @param threshold the latency above which a query counted as waiting: five times the baseline p99,
 *     and at least 200 ms
 * @param statements the impact of each statement, by number
 */
public record LoadReport(int baselineQueries, Duration baselineP99, Duration threshold, Map<Integer, LoadImpact> statements) {
  /** Validates and copies the components. */
  public LoadReport {
    Objects.requireNonNull(baselineP99, "baselineP99");
    Objects.requireNonNull(threshold, "threshold");
    statements = Map.copyOf(new TreeMap<>(statements));
  }

  /** Returns how many queries waited during the whole migration. */
  public int waited() {
    return statements.values().stream().mapToInt(LoadImpact::waited).sum();
  }
}
