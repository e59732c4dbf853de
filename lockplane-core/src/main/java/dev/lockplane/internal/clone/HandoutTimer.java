package dev.lockplane.internal.clone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records how long each phase of handing out clones takes, on the test's thread and in the
 * background, so that a pool can say where a handout's time goes ({@link #snapshot()}). Recording
 * costs a lock-free counter and one array store under a short lock per sample; a phase keeps its
 * last {@value #KEPT} samples, which bounds the memory of a long run.
 */
public final class HandoutTimer {
  static final int KEPT = 1 << 13;

  /** The phases of a handout, in the order a clone passes through them. */
  public enum Phase {
    /** Making a spare clone ({@code CREATE DATABASE … TEMPLATE}, its owner record), in the background. */
    MAKE("make a spare", false),
    /** Restoring a used clone to its golden's state, in the background. */
    RECYCLE("recycle a used clone", false),
    /** Opening a spare's first connection in advance, in the background. */
    WARM("open a spare's connection", false),
    /** The caller's wait in {@code create()}: a ready spare, one being made, or one made on demand. */
    WAIT("wait for a clone", true),
    /** A connection asked for on the caller's thread: the one opened in advance, or a new one. */
    CONNECT("connect", true),
    /** The test framework's callbacks before the test's body, the wait for the clone included. */
    BEFORE_BODY("callbacks before the body", true),
    /** The test framework's callbacks after the body: closing connections, returning the clone. */
    AFTER_BODY("callbacks after the body", true),
    /** Dropping a used clone (or a stale spare), in the background. */
    DROP("drop a used clone", false);

    private final String label;
    private final boolean critical;

    Phase(String label, boolean critical) {
      this.label = label;
      this.critical = critical;
    }

    /** Returns the phase's name in a report. */
    public String label() {
      return label;
    }

    /** Returns whether the phase runs on the caller's thread, so that a test waits for it. */
    public boolean critical() {
      return critical;
    }
  }

  private final Map<Phase, Samples> samples = new EnumMap<>(Phase.class);
  private final AtomicLong readyAtOnce = new AtomicLong();
  private final AtomicLong waitedForSpare = new AtomicLong();
  private final AtomicLong madeOnDemand = new AtomicLong();
  private final AtomicLong warmTaken = new AtomicLong();
  private final long started = System.nanoTime();
  private final AtomicLong firstHandout = new AtomicLong(-1);
  private final AtomicLong lastHandout = new AtomicLong(-1);
  private final int producers;

  /**
   * A timer for a pool.
   *
   * @param producers how many threads make spares, for the pool's refill capacity
   */
  public HandoutTimer(int producers) {
    this.producers = producers;
    for (Phase p : Phase.values()) {
      samples.put(p, new Samples());
    }
  }

  /**
   * Records one sample of a phase.
   *
   * @param phase the phase
   * @param nanos how long it took; a negative value (a clock step) counts as zero
   */
  public void record(Phase phase, long nanos) {
    samples.get(phase).add(Math.max(0, nanos));
  }

  /** How a handout was served. */
  enum Source {
    /** A spare was ready when asked. */
    READY,
    /** No spare was ready; one being made or recycled was waited for. */
    WAITED,
    /** No spare; the clone was made on the caller's thread. */
    ON_DEMAND
  }

  void handout(Source source, long nanos) {
    (source == Source.READY ? readyAtOnce : source == Source.WAITED ? waitedForSpare : madeOnDemand).incrementAndGet();
    record(Phase.WAIT, nanos);
    long now = System.nanoTime();
    firstHandout.compareAndSet(-1, now);
    lastHandout.set(now);
  }

  void warmConnectionTaken() {
    warmTaken.incrementAndGet();
  }

  /**
   * Returns what was recorded so far.
   *
   * @return the counts and per-phase percentiles
   */
  public HandoutStats snapshot() {
    List<HandoutStats.PhaseStats> phases = new ArrayList<>();
    for (Phase p : Phase.values()) {
      long[] v = samples.get(p).values();
      Arrays.sort(v);
      long total = samples.get(p).total.get();
      phases.add(new HandoutStats.PhaseStats(p, samples.get(p).count.get(), pct(v, 50), pct(v, 95), total / 1e6));
    }
    long first = firstHandout.get();
    long last = lastHandout.get();
    double window = first < 0 || last <= first ? 0 : (last - first) / 1e9;
    return new HandoutStats((System.nanoTime() - started) / 1e9, window, producers, readyAtOnce.get(), waitedForSpare.get(),
        madeOnDemand.get(), warmTaken.get(), phases);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  /** One phase's samples: a ring of the last {@link #KEPT}, and the count and sum of all. */
  private static final class Samples {
    /** Grows to {@link #KEPT} as samples come: a pool that hands out a few clones keeps a few. */
    private long[] ring = new long[16];
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    void add(long nanos) {
      total.addAndGet(nanos);
      synchronized (this) {
        long n = count.get();
        if (n < KEPT && n == ring.length) {
          ring = Arrays.copyOf(ring, Math.min(KEPT, ring.length * 2));
        }
        ring[(int) (n % KEPT)] = nanos;
        count.incrementAndGet();
      }
    }

    synchronized long[] values() {
      return Arrays.copyOf(ring, (int) Math.min(count.get(), KEPT));
    }
  }
}
