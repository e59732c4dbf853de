package dev.lockplane.internal.clone;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CloneStrategy;
import dev.lockplane.clone.Snapshot;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps spare clones of a manager's golden ready, made in the background, so that {@link #create()}
 * costs a queue poll; and destroys the clones it handed out in the background. A decorator around
 * any {@link CloneManager}, not a mode of one (as zonky's prefetching provider wraps a provider).
 *
 * <p>Each spare's first connection is opened in advance by a thread of its own, so that neither
 * the maker nor the caller waits for a new server process and password authentication.
 *
 * <p>With recycling on (database-level clones), a clone handed out and destroyed is not dropped but
 * restored in the background to its golden's state by a {@link CloneRecycler}, restoring only what
 * its test changed, and queued as a spare again; a clone the recycler cannot prove restored is
 * dropped, and a new one made.
 *
 * <p>Named clones ({@link #create(String)}) and clones of other snapshots are made by the decorated
 * manager directly: spares have generated names. Spares are not listed.
 */
public final class PrefetchingCloneManager implements CloneManager {
  private static final System.Logger LOG = System.getLogger(PrefetchingCloneManager.class.getName());

  private final CloneManager manager;
  private final int spares;
  private final BlockingQueue<Spare> ready = new LinkedBlockingQueue<>();
  /** Names the decorated manager still lists but users must not see: ready spares, clones being dropped. */
  private final Set<String> hidden = ConcurrentHashMap.newKeySet();
  private final Map<String, Handout> handedOut = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final ExecutorService maker;
  private final ExecutorService warmer;
  private final ExecutorService destroyer;
  /** Restores used clones, or null when clones are dropped after use. */
  private final CloneRecycler recycler;
  private final ExecutorService recyclers;
  /** Clones being recycled: each should be a spare again soon. */
  private final AtomicInteger recycling = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HandoutTimer timer;
  private final int producers;
  /**
   * Threads making spares when the caller does not say: two where there are two cores. Measured
   * with short tests (HandoutProfile), a second producer keeps more spares ready with their
   * connection open: the handout p50 fell 5-100x in three runs, the throughput did not rise (the
   * server is the limit), and one run in three had a higher p95.
   */
  static final int DEFAULT_PRODUCERS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

  /**
   * Decorates a manager and starts filling the spares.
   *
   * @param manager the manager whose golden is cloned; closed with this one
   * @param spares how many clones to keep ready (0: none, clones are made on demand)
   */
  public PrefetchingCloneManager(CloneManager manager, int spares) {
    this(manager, spares, false);
  }

  /**
   * Decorates a manager, recycling used clones where it can, and starts filling the spares.
   *
   * @param manager the manager whose golden is cloned; closed with this one
   * @param spares how many clones to keep ready (0: none, clones are made on demand)
   * @param recycle whether used database-level clones are restored instead of dropped (other
   *     managers' clones are always dropped)
   */
  public PrefetchingCloneManager(CloneManager manager, int spares, boolean recycle) {
    this(manager, spares, recycle, DEFAULT_PRODUCERS);
  }

  /**
   * Decorates a manager with a given number of threads making spares, and starts filling them.
   *
   * @param manager the manager whose golden is cloned; closed with this one
   * @param spares how many clones to keep ready (0: none, clones are made on demand)
   * @param recycle whether used database-level clones are restored instead of dropped
   * @param producers threads making spares at the same time, at least 1
   */
  public PrefetchingCloneManager(CloneManager manager, int spares, boolean recycle, int producers) {
    if (producers < 1) {
      throw new IllegalArgumentException("producers must be at least 1, not " + producers);
    }
    this.manager = manager;
    this.spares = spares;
    this.producers = producers;
    // several workers where the machine has the cores: each spends most of its time waiting on the server
    int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    this.maker = Executors.newFixedThreadPool(producers, daemon("lockplane-clone-prefetch"));
    this.warmer = Executors.newFixedThreadPool(workers, daemon("lockplane-clone-warm"));
    this.destroyer = Executors.newSingleThreadExecutor(daemon("lockplane-clone-destroy"));
    this.recycler = recycle && manager instanceof DatabaseCloneManager dm
        ? new CloneRecycler(dm, "recycle-golden-" + java.util.UUID.randomUUID().toString().substring(0, 8)) : null;
    this.recyclers = recycler == null ? null : Executors.newFixedThreadPool(workers, daemon("lockplane-clone-recycle"));
    this.timer = new HandoutTimer(recycler == null ? producers : producers + workers);
    refill();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public Snapshot golden() {
    return manager.golden();
  }

  @Override
  public java.util.Optional<dev.lockplane.golden.MaskingReport> maskingReport() {
    return manager.maskingReport();
  }

  @Override
  public java.util.Optional<dev.lockplane.golden.SubsetReport> subsetReport() {
    return manager.subsetReport();
  }

  @Override
  public CloneStrategy strategy() {
    return manager.strategy();
  }

  /** Hands out a spare if one is ready, else a clone made now; either way the spares are refilled. */
  @Override
  public Clone create() {
    if (closed.get()) {
      throw new LockplaneException(ErrorCode.CLOSED, "This clone manager is closed; start a new one.");
    }
    long t0 = System.nanoTime();
    Spare spare;
    Snapshot golden = manager.golden();
    boolean[] waited = new boolean[1];
    // spares of a golden that a refresh replaced are dropped, not handed out
    while ((spare = next(waited)) != null && !spare.clone.snapshot().equals(golden)) {
      discard(spare);
    }
    if (spare != null) {
      hidden.remove(spare.clone.name());
    }
    refill();
    Handout h = spare != null ? new Handout(this, spare.clone, spare) : new Handout(this, manager.create(), null);
    handedOut.put(h.name(), h);
    timer.handout(spare == null ? HandoutTimer.Source.ON_DEMAND : waited[0] ? HandoutTimer.Source.WAITED
        : HandoutTimer.Source.READY, System.nanoTime() - t0);
    return h;
  }

  /**
   * Returns where handouts spent their time so far, phase by phase, and whether the spares kept up.
   *
   * @return the stats
   */
  public HandoutStats handoutStats() {
    return timer.snapshot();
  }

  /**
   * Returns the timer the handouts are recorded in, for a caller that times its own phases of a
   * handout (a test framework's callbacks).
   *
   * @return the timer
   */
  public HandoutTimer timer() {
    return timer;
  }

  /**
   * The next spare; when none is ready but clones are being recycled or made, waits for one rather
   * than making one more now (which would compete with them for the server).
   */
  private Spare next(boolean[] waited) {
    Spare spare = ready.poll();
    waited[0] |= spare == null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (spare == null && recycler != null && !closed.get() && recycling.get() + pending.get() > 0
        && System.nanoTime() < deadline) {
      try {
        spare = ready.poll(5, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return spare;
  }

  @Override
  public Clone create(String name) {
    return manager.create(name);
  }

  /** Refreshes the decorated manager's golden, then replaces the spares made from the former one. */
  @Override
  public Snapshot refreshGolden() {
    if (closed.get()) {
      throw new LockplaneException(ErrorCode.CLOSED, "This clone manager is closed; start a new one.");
    }
    Snapshot next = manager.refreshGolden();
    for (Spare spare : List.copyOf(ready)) {
      if (!spare.clone.snapshot().equals(next) && ready.remove(spare)) {
        discard(spare);
      }
    }
    refill();
    return next;
  }

  /** Destroys a spare in the background; it stays hidden until it is gone. */
  private void discard(Spare spare) {
    spare.discardConnection();
    try {
      destroyer.execute(() -> {
        long t0 = System.nanoTime();
        try {
          spare.clone.destroy();
          timer.record(HandoutTimer.Phase.DROP, System.nanoTime() - t0);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "Cannot destroy spare clone " + spare.clone.name() + ": " + e.getMessage());
        } finally {
          hidden.remove(spare.clone.name());
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: the decorated manager's close drops it
    }
  }

  @Override
  public Clone create(String name, Snapshot snapshot) {
    return manager.create(name, snapshot);
  }

  @Override
  public List<Clone> list() {
    return manager.list().stream().filter(c -> !isHidden(c.name())).map(this::visible).toList();
  }

  @Override
  public Optional<Clone> get(String name) {
    return isHidden(name) ? Optional.empty() : manager.get(name).map(this::visible);
  }

  private boolean isHidden(String name) {
    return hidden.contains(name) || (recycler != null && recycler.isSource(name));
  }

  private Clone visible(Clone inner) {
    Handout h = handedOut.get(inner.name());
    return h != null && h.inner == inner ? h : inner;
  }

  @Override
  public Snapshot snapshot(String name, Clone source) {
    return manager.snapshot(name, unwrap(source));
  }

  @Override
  public List<Snapshot> snapshots() {
    return manager.snapshots();
  }

  @Override
  public void destroySnapshot(Snapshot snapshot) {
    manager.destroySnapshot(snapshot);
  }

  @Override
  public void keep(Clone clone) {
    Clone inner = unwrap(clone);
    handedOut.remove(inner.name());
    manager.keep(inner);
  }

  private static Clone unwrap(Clone c) {
    return c instanceof Handout h ? h.inner : c;
  }

  private void refill() {
    while (!closed.get() && ready.size() + pending.get() < spares) {
      pending.incrementAndGet();
      try {
        maker.execute(() -> {
          boolean made = false;
          try {
            if (!closed.get()) {
              // named here, so that it is hidden before the decorated manager lists it
              String name = "clone-" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
              hidden.add(name);
              try {
                long t0 = System.nanoTime();
                Spare spare = new Spare(manager.create(name));
                timer.record(HandoutTimer.Phase.MAKE, System.nanoTime() - t0);
                ready.add(spare);
                warm(spare);
                made = true;
              } catch (RuntimeException e) {
                hidden.remove(name);
                throw e;
              }
            }
          } catch (RuntimeException e) {
            if (!closed.get()) {
              LOG.log(Level.WARNING, "Cannot prefetch a clone: " + e.getMessage());
            }
          } finally {
            pending.decrementAndGet();
          }
          if (made) {
            // a handout that took this spare between ready.add and the decrement saw it still pending
            // and made no other: look again, or the pool would stay short until the next handout
            refill();
          }
        });
      } catch (RejectedExecutionException e) {
        pending.decrementAndGet();
        return;
      }
    }
  }

  /**
   * Opens the spare's first connection in the background, off the maker's path: connecting (a new
   * server process, password authentication) costs as much as making a small clone.
   */
  private void warm(Spare spare) {
    try {
      warmer.execute(() -> {
        if (closed.get() || !spare.warm.compareAndSet(null, Spare.OPENING)) {
          return; // handed out (or destroyed) before its turn came: its user opens a connection itself
        }
        try {
          long t0 = System.nanoTime();
          Connection c = spare.clone.dataSource().getConnection();
          timer.record(HandoutTimer.Phase.WARM, System.nanoTime() - t0);
          if (!spare.warm.compareAndSet(Spare.OPENING, c)) {
            closeQuietly(c); // destroyed meanwhile
          }
        } catch (SQLException | RuntimeException e) {
          spare.warm.compareAndSet(Spare.OPENING, null);
          LOG.log(Level.DEBUG, "Cannot open a connection to spare clone " + spare.clone.name() + " in advance: " + e.getMessage());
        } finally {
          spare.opened.countDown();
        }
      });
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // its database is about to go
    }
  }

  void destroyLater(Handout h) {
    handedOut.remove(h.name(), h);
    hidden.add(h.name());
    if (recycler != null && !closed.get()) {
      recycling.incrementAndGet();
      try {
        recyclers.execute(() -> recycleOrDestroy(h));
        return;
      } catch (RejectedExecutionException e) {
        recycling.decrementAndGet(); // closing: dropped below
      }
    }
    try {
      destroyer.execute(() -> {
        long t0 = System.nanoTime();
        try {
          h.inner.destroy();
          timer.record(HandoutTimer.Phase.DROP, System.nanoTime() - t0);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "Cannot destroy clone " + h.name() + ": " + e.getMessage());
        } finally {
          hidden.remove(h.name());
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: the decorated manager's close drops it
      hidden.remove(h.name());
    }
  }

  /** Restores a used clone and queues it as a spare; drops it (and makes another) when it cannot. */
  private void recycleOrDestroy(Handout h) {
    try {
      long t0 = System.nanoTime();
      Optional<String> why = closed.get() ? Optional.of("closing") : recycler.recycle(h.inner, null);
      if (why.isEmpty()) {
        timer.record(HandoutTimer.Phase.RECYCLE, System.nanoTime() - t0);
        Spare spare = new Spare(h.inner);
        ready.add(spare);
        warm(spare);
        return;
      }
      LOG.log(Level.DEBUG, "Clone {0} is dropped and made again instead of recycled: {1}", h.name(), why.get());
      recycler.forget(h.name());
      try {
        long t1 = System.nanoTime();
        h.inner.destroy();
        timer.record(HandoutTimer.Phase.DROP, System.nanoTime() - t1);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Cannot destroy clone " + h.name() + ": " + e.getMessage());
      } finally {
        hidden.remove(h.name());
      }
      refill();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Cannot recycle clone " + h.name() + ": " + e.getMessage());
    } finally {
      recycling.decrementAndGet();
    }
  }

  /**
   * Stops prefetching, waits for background work, destroys the spares, then closes the decorated
   * manager (which drops the clones handed out). Closing twice is safe.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    HandoutStats stats = timer.snapshot();
    if (stats.handouts() > 0) {
      LOG.log(Level.DEBUG, "Clone handouts of {0}: {1}", manager.golden().name(), stats.summary());
    }
    try {
      if (recyclers != null) {
        recyclers.shutdown();
      }
      maker.shutdown();
      warmer.shutdown();
      destroyer.shutdown();
      try {
        if (recyclers != null) {
          recyclers.awaitTermination(2, TimeUnit.MINUTES);
        }
        maker.awaitTermination(2, TimeUnit.MINUTES);
        warmer.awaitTermination(2, TimeUnit.MINUTES);
        destroyer.awaitTermination(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Handout h : handedOut.values()) {
        if (h.spare != null) {
          h.spare.discardConnection(); // the decorated manager drops the clone next
        }
      }
      Spare spare;
      while ((spare = ready.poll()) != null) {
        spare.discardConnection();
        try {
          spare.clone.destroy();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "Cannot destroy spare clone " + spare.clone.name() + ": " + e.getMessage());
        }
      }
      if (recycler != null) {
        recycler.close();
      }
    } finally {
      manager.close();
    }
  }

  @Override
  public String toString() {
    return "Prefetching[" + spares + " spares, " + producers + " producer" + (producers == 1 ? "" : "s")
        + (recycler != null ? ", recycling" : "") + ", " + manager + "]";
  }

  /** The recycler, or null when clones are dropped rather than recycled. */
  CloneRecycler recycler() {
    return recycler;
  }

  boolean isClosed() {
    return closed.get();
  }
}
