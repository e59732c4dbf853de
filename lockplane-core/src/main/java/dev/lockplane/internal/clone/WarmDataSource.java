package dev.lockplane.internal.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The data source of a clone handed out by the pool: its first connection is the one opened in
 * advance (a fresh session, never used) when there is one, the others are new; each is timed.
 */
final class WarmDataSource extends dev.lockplane.internal.sql.SimpleDataSource {
  private final DataSource inner;
  /** Takes the connection opened in advance, once; null when there is none (any more). */
  private final Supplier<Connection> warm;
  private final HandoutTimer timer;

  WarmDataSource(DataSource inner, Supplier<Connection> warm, HandoutTimer timer) {
    this.inner = inner;
    this.warm = warm;
    this.timer = timer;
  }

  @Override
  public Connection getConnection() throws SQLException {
    long t0 = System.nanoTime();
    Connection c = warm.get();
    if (c != null) {
      timer.warmConnectionTaken();
    } else {
      c = inner.getConnection();
    }
    timer.record(HandoutTimer.Phase.CONNECT, System.nanoTime() - t0);
    return c;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return inner.getConnection(username, password);
  }

  @Override
  protected DataSource wrapped() {
    return inner;
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
