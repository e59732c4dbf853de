package dev.lockplane.trace;

import java.time.Duration;
import java.util.Objects;

/**
 * What a statement did to the {@link Workload} running beside it: the queries that started while it
 * ran (until the next statement started), those that waited, and how long they took.
 *
 * @param queries the workload queries that started in the statement's time
 * @param waited those that took longer than the threshold (see {@link LoadReport#threshold()})
 * @param failed those that failed (a statement timeout, for example)
 * @param p50 the median latency of the waiting queries (zero when none waited)
 * @param p99 their 99th percentile
 * @param max the longest
 */
public record LoadImpact(int queries, int waited, int failed, Duration p50, Duration p99, Duration max) {
  /** Validates the components. */
  public LoadImpact {
    Objects.requireNonNull(p50, "p50");
    Objects.requireNonNull(p99, "p99");
    Objects.requireNonNull(max, "max");
  }
}
