package dev.lockplane.internal.clone;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import java.lang.System.Logger.Level;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps spare clones of a manager's golden ready, made in the background, so that handing one out
 * costs a queue poll; and destroys returned clones in the background. A decorator around a
 * {@link CloneManager}, not a mode of it.
 */
public final class ClonePool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ClonePool.class.getName());

  private final CloneManager manager;
  private final int spares;
  private final BlockingQueue<Clone> ready = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final ExecutorService maker;
  private final ExecutorService destroyer;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a pool and starts filling it.
   *
   * @param manager the manager whose golden is cloned
   * @param spares how many clones to keep ready (0 disables prefetching)
   */
  public ClonePool(CloneManager manager, int spares) {
    this.manager = manager;
    this.spares = spares;
    this.maker = Executors.newSingleThreadExecutor(daemon("lockplane-clone-prefetch"));
    this.destroyer = Executors.newSingleThreadExecutor(daemon("lockplane-clone-destroy"));
    refill();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Returns the decorated manager. */
  public CloneManager manager() {
    return manager;
  }

  /**
   * Hands out a fresh clone of the golden: a spare if one is ready, else one made now.
   *
   * @return a clone that nobody else uses
   */
  public Clone take() {
    Clone c = ready.poll();
    refill();
    return c != null ? c : manager.create();
  }

  /**
   * Destroys a clone in the background.
   *
   * @param clone the clone to destroy
   */
  public void giveBack(Clone clone) {
    if (closed.get()) {
      clone.destroy();
      return;
    }
    destroyer.execute(() -> {
      try {
        clone.destroy();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Cannot destroy clone " + clone.name() + ": " + e.getMessage());
      }
    });
  }

  private void refill() {
    while (!closed.get() && ready.size() + pending.get() < spares) {
      pending.incrementAndGet();
      try {
        maker.execute(() -> {
          try {
            if (!closed.get()) {
              ready.add(manager.create());
            }
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot prefetch a clone: " + e.getMessage());
          } finally {
            pending.decrementAndGet();
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        pending.decrementAndGet();
        return;
      }
    }
  }

  /** Stops prefetching, waits for background work, destroys the spares. Does not close the manager. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    maker.shutdown();
    destroyer.shutdown();
    try {
      maker.awaitTermination(2, TimeUnit.MINUTES);
      destroyer.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Clone c;
    while ((c = ready.poll()) != null) {
      try {
        c.destroy();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Cannot destroy spare clone " + c.name() + ": " + e.getMessage());
      }
    }
  }
}
