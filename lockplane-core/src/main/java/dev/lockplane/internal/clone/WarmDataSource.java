package dev.lockplane.internal.clone;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The data source of a clone handed out from the spares: its first connection is the one opened
 * in advance (a fresh session, never used), the others are new.
 */
final class WarmDataSource implements DataSource {
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
  public java.io.PrintWriter getLogWriter() throws SQLException {
    return inner.getLogWriter();
  }

  @Override
  public void setLogWriter(java.io.PrintWriter out) throws SQLException {
    inner.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    inner.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return inner.getLoginTimeout();
  }

  @Override
  public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
    return inner.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : inner.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || inner.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
