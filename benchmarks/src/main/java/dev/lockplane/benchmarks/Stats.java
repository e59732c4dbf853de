package dev.lockplane.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Latency samples in milliseconds, with percentiles. */
final class Stats {
  private final List<Double> ms = new ArrayList<>();

  void add(long nanos) {
    ms.add(nanos / 1e6);
  }

  void addMillis(double millis) {
    ms.add(millis);
  }

  double[] values() {
    return ms.stream().mapToDouble(Double::doubleValue).toArray();
  }

  void addAll(Stats other) {
    ms.addAll(other.ms);
  }

  int count() {
    return ms.size();
  }

  double percentile(double p) {
    if (ms.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(idx, sorted.size() - 1)));
  }

  String summary() {
    return String.format(Locale.ROOT, "p50 %9.2f ms  p95 %9.2f ms  (n=%d)", percentile(50), percentile(95), count());
  }
}
