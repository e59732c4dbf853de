package dev.lockplane.internal.sql;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What Lockplane's own data sources share: no log writer and no login timeout of their own (the
 * driver logs through {@code java.util.logging}, connecting is the subclass's business), and
 * unwrapping to themselves first, then to the data source they stand in front of, if any.
 */
public abstract class SimpleDataSource implements DataSource {

  /** For subclasses. */
  protected SimpleDataSource() {}

  /**
   * Returns the data source this one stands in front of, for {@link #unwrap}.
   *
   * @return the wrapped data source, or null (the default)
   */
  protected DataSource wrapped() {
    return null;
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // no log writer: the driver logs through java.util.logging
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // the connections' own settings decide
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no parent logger");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    DataSource inner = wrapped();
    if (inner != null) {
      return inner.unwrap(iface);
    }
    throw new SQLException("Not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    DataSource inner = wrapped();
    return iface.isInstance(this) || inner != null && inner.isWrapperFor(iface);
  }
}
