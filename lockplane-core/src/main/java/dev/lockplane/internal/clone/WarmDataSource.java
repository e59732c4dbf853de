package dev.lockplane.internal.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The data source of a clone handed out from the spares: its first connection is the one opened
 * in advance (a fresh session, never used), the others are new.
 */
final class WarmDataSource extends dev.lockplane.internal.sql.SimpleDataSource {
  private final DataSource inner;
  /** Takes the connection opened in advance, once; null when there is none (any more). */
  private final Supplier<Connection> warm;

  WarmDataSource(DataSource inner, Supplier<Connection> warm) {
    this.inner = inner;
    this.warm = warm;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = warm.get();
    return c != null ? c : inner.getConnection();
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
