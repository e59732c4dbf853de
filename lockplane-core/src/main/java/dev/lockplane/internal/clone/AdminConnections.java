package dev.lockplane.internal.clone;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;

/**
 * A small pool of auto-commit connections to the maintenance database, for the statements that
 * create and drop databases. Opening a connection with password authentication costs milliseconds;
 * clone operations should not pay that each time.
 */
final class AdminConnections implements AutoCloseable {
  private final DataSource source;
  private final BlockingQueue<Connection> idle;
  private final Semaphore permits;
  private volatile boolean closed;

  AdminConnections(DataSource source, int size) {
    this.source = source;
    this.idle = new ArrayBlockingQueue<>(size);
    this.permits = new Semaphore(size, true);
  }

  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  <T> T with(Work<T> work) throws SQLException {
    if (closed) {
      throw new LockplaneException(ErrorCode.CLOSED, "The clone manager is closed.");
    }
    permits.acquireUninterruptibly();
    Connection c = null;
    boolean broken = false;
    try {
      c = idle.poll();
      if (c == null || c.isClosed()) {
        c = source.getConnection();
        c.setAutoCommit(true);
      }
      return work.run(c);
    } catch (SQLException e) {
      broken = c != null && !c.isValid(2);
      throw e;
    } finally {
      if (c != null) {
        if (broken || closed || !idle.offer(c)) {
          try {
            c.close();
          } catch (SQLException ignored) {
            // closing a broken connection
          }
        }
      }
      permits.release();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // shutting down
      }
    }
  }
}
