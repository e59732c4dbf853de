package dev.lockplane.internal.clone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The timer keeps the last samples of a phase for its percentiles and the count and sum of all, so
 * that a long run's memory stays bounded and its totals stay exact.
 */
class HandoutTimerTest {
  @Test
  void percentilesComeFromTheLastSamplesAndTotalsFromAll() {
    HandoutTimer t = new HandoutTimer(1);
    int n = HandoutTimer.KEPT + 1808;
    for (int i = 0; i < n; i++) {
      t.record(HandoutTimer.Phase.DROP, i * 1_000L); // i microseconds
    }
    HandoutStats.PhaseStats drop = t.snapshot().phase(HandoutTimer.Phase.DROP);
    assertThat(drop.count()).isEqualTo(n);
    // the last KEPT samples are 1808 .. n-1 µs: their median is the (KEPT/2)th of them
    assertThat(drop.p50Millis()).isCloseTo((1808 + HandoutTimer.KEPT / 2 - 1) / 1000.0, within(1e-9));
    assertThat(drop.p95Millis()).isCloseTo((1808 + Math.ceil(0.95 * HandoutTimer.KEPT) - 1) / 1000.0, within(1e-9));
    assertThat(drop.totalMillis()).isCloseTo((long) n * (n - 1) / 2 / 1000.0, within(1e-6));
  }

  @Test
  void aNegativeSampleCountsAsZeroAndHandoutsAreCountedBySource() {
    HandoutTimer t = new HandoutTimer(2);
    t.record(HandoutTimer.Phase.CONNECT, -5);
    t.handout(HandoutTimer.Source.READY, 1_000_000);
    t.handout(HandoutTimer.Source.WAITED, 3_000_000);
    t.handout(HandoutTimer.Source.ON_DEMAND, 2_000_000);
    HandoutStats s = t.snapshot();
    assertThat(s.phase(HandoutTimer.Phase.CONNECT).p95Millis()).isZero();
    assertThat(s.handouts()).isEqualTo(3);
    assertThat(new long[] {s.readyAtOnce(), s.waitedForSpare(), s.madeOnDemand()}).containsExactly(1, 1, 1);
    assertThat(s.phase(HandoutTimer.Phase.WAIT).count()).isEqualTo(3);
    assertThat(s.phase(HandoutTimer.Phase.WAIT).p50Millis()).isEqualTo(2.0);
    assertThat(s.phase(HandoutTimer.Phase.WAIT).totalMillis()).isEqualTo(6.0);
    assertThat(s.producers()).isEqualTo(2);
    assertThat(s.capacityPerSecond()).as("nothing made yet").isZero();
  }
}
