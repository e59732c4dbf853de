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
  private volatile int serverVersion;

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

  /** Returns the server's major version (13, 18, …), asked once. */
  int serverVersion() throws SQLException {
    int v = serverVersion;
    if (v == 0) {
      v = with(c -> {
        try (java.sql.Statement s = c.createStatement();
            java.sql.ResultSet rs = s.executeQuery("SHOW server_version_num")) {
          rs.next();
          return Integer.parseInt(rs.getString(1)) / 10000;
        }
      });
      serverVersion = v;
    }
    return v;
  }

  /**
   * Returns the {@code STRATEGY} clause of {@code CREATE DATABASE} for a copy method, or nothing
   * before PostgreSQL 15, which has no such clause and always copies the files.
   */
  String strategyClause(String strategy) throws SQLException {
    return serverVersion() >= 15 ? " STRATEGY " + strategy : "";
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
