package dev.lockplane.internal.clone;

import java.util.List;
import java.util.Locale;

/**
 * Where a pool's handouts spent their time, phase by phase, and whether the pool kept up: how many
 * handouts found a spare ready, waited for one, or had one made on demand; how fast spares were
 * supplied against how fast they were taken.
 *
 * @param seconds since the pool started
 * @param handoutSeconds from the first handout to the last
 * @param producers threads making spares
 * @param readyAtOnce handouts that found a spare ready
 * @param waitedForSpare handouts that waited for a spare being made or recycled
 * @param madeOnDemand handouts whose clone was made on the caller's thread
 * @param warmConnections handouts whose first connection was the one opened in advance
 * @param phases every phase, in the order of {@link HandoutTimer.Phase}
 */
public record HandoutStats(double seconds, double handoutSeconds, int producers, long readyAtOnce, long waitedForSpare,
    long madeOnDemand, long warmConnections, List<PhaseStats> phases) {

  /**
   * One phase's samples.
   *
   * @param phase the phase
   * @param count samples recorded
   * @param p50Millis median, over the last samples kept
   * @param p95Millis 95th percentile, over the last samples kept
   * @param totalMillis sum of all samples
   */
  public record PhaseStats(HandoutTimer.Phase phase, long count, double p50Millis, double p95Millis, double totalMillis) {}

  /** A copy that cannot change. */
  public HandoutStats {
    phases = List.copyOf(phases);
  }

  /** Returns all handouts. */
  public long handouts() {
    return readyAtOnce + waitedForSpare + madeOnDemand;
  }

  /**
   * Returns one phase's samples.
   *
   * @param phase the phase
   * @return its stats (count 0 if never recorded)
   */
  public PhaseStats phase(HandoutTimer.Phase phase) {
    return phases.stream().filter(p -> p.phase() == phase).findFirst().orElseThrow();
  }

  /** Returns handouts a second between the first handout and the last (0 for fewer than two). */
  public double demandPerSecond() {
    return handoutSeconds > 0 ? (handouts() - 1) / handoutSeconds : 0;
  }

  /**
   * Returns how many spares a second the producers can supply at most: each makes or recycles one
   * clone at a time, at the median of what that took.
   */
  public double capacityPerSecond() {
    PhaseStats make = phase(HandoutTimer.Phase.MAKE);
    PhaseStats recycle = phase(HandoutTimer.Phase.RECYCLE);
    long n = make.count() + recycle.count();
    if (n == 0) {
      return 0;
    }
    double meanMillis = (make.totalMillis() + recycle.totalMillis()) / n;
    return meanMillis > 0 ? producers * 1000 / meanMillis : 0;
  }

  /**
   * Returns one line for a log: the handouts and how they were served, supply against demand, and
   * each phase that ran, with its count, p50 and p95.
   *
   * @return the summary
   */
  public String summary() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%d handouts (%d ready, %d waited for a spare, %d made on demand; %d with the connection opened in advance);"
            + " demand %.1f/s, refill capacity %.1f/s (%d producer%s)",
        handouts(), readyAtOnce, waitedForSpare, madeOnDemand, warmConnections, demandPerSecond(), capacityPerSecond(),
        producers, producers == 1 ? "" : "s"));
    for (PhaseStats p : phases) {
      if (p.count() > 0) {
        b.append(String.format(Locale.ROOT, "; %s%s n=%d p50 %.1f ms p95 %.1f ms", p.phase().label(),
            p.phase().critical() ? "" : " (background)", p.count(), p.p50Millis(), p.p95Millis()));
      }
    }
    return b.toString();
  }
}
