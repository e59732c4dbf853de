package dev.lockplane.internal.clone;

import dev.lockplane.clone.Clone;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A clone made in advance, and its first connection once the warmer has opened it. */
final class Spare {
  /** Put in {@link #warm} once the connection is taken or discarded, so that a late one is closed. */
  private static final Object GONE = new Object();
  /** Put in {@link #warm} while the warmer opens the connection. */
  static final Object OPENING = new Object();
  /** How long a caller waits for a connection being opened in advance before it opens its own. */
  private static final long OPENING_WAIT_SECONDS = 30;

  final Clone clone;
  final AtomicReference<Object> warm = new AtomicReference<>();
  /** Counted down when the warmer has opened the connection, or failed to. */
  final CountDownLatch opened = new CountDownLatch(1);

  Spare(Clone clone) {
    this.clone = clone;
  }

  /**
   * Takes the connection opened in advance. One still being opened is waited for: it is further
   * along than a new one would be, and a second one opened beside it would compete with it for
   * the server. One whose opening has not started is not: the caller opens its own at once.
   */
  Connection take() {
    if (warm.compareAndSet(null, GONE)) {
      return null;
    }
    if (warm.get() == OPENING) {
      try {
        opened.await(OPENING_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Object w = warm.getAndSet(GONE);
    if (w instanceof Connection c) {
      try {
        if (!c.isClosed()) {
          return c;
        }
      } catch (SQLException e) {
        // fall through: a new one
      }
    }
    return null;
  }

  /** Closes the connection opened in advance, without waiting for one being opened: the warmer closes that. */
  void discardConnection() {
    if (warm.getAndSet(GONE) instanceof Connection c) {
      PrefetchingCloneManager.closeQuietly(c);
    }
  }
}
