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

  /** Returns the values joined with " / ", one decimal each, for tables of runs. */
  static String list(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double d : v) {
      b.append(b.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.1f", d));
    }
    return b.toString();
  }

  /** Returns the median (the upper one of an even count). */
  static double median(double[] v) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }

  /** Returns the seconds since {@code t0}, a {@link System#nanoTime()} reading. */
  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Returns bytes in MiB. */
  static double mb(long bytes) {
    return bytes / 1048576.0;
  }
}
