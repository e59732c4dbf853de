package dev.lockplane.internal.trace;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * JDBC wrappers that let a migration tool (Flyway, Liquibase) run its migrations itself while the
 * trace observes each statement it executes during a migration: the tool parses, orders, replaces
 * placeholders and manages transactions; the wrappers only measure around {@code execute}, and
 * report commits and rollbacks to the session.
 */
final class ObservedJdbc {
  private ObservedJdbc() {}

  /** Where the statement being executed comes from; null outside a migration (the tool's own bookkeeping). */
  interface Locator {
    Located next(String sql);
  }

  /** A statement's location and the comments near it. */
  record Located(String location, String comments) {}

  static DataSource dataSource(DataSource real, TraceSession session, Locator locator) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return connection(real.getConnection(), session, locator);
      }

      @Override
      public Connection getConnection(String user, String password) throws SQLException {
        return connection(real.getConnection(user, password), session, locator);
      }

      @Override
      public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
      }

      @Override
      public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
      }

      @Override
      public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
      }

      @Override
      public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
      }

      @Override
      public <T> T unwrap(Class<T> type) throws SQLException {
        return real.unwrap(type);
      }

      @Override
      public boolean isWrapperFor(Class<?> type) throws SQLException {
        return real.isWrapperFor(type);
      }
    };
  }

  static Connection connection(Connection real, TraceSession session, Locator locator) {
    InvocationHandler h = (proxy, method, args) -> {
      Object result = invoke(real, method, args);
      switch (method.getName()) {
        case "createStatement" -> {
          return statement((Statement) result, real, session, locator);
        }
        case "commit", "rollback" -> {
          if (args == null || args.length == 0) {
            session.transactionEnded();
          }
        }
        case "setAutoCommit" -> {
          if (Boolean.TRUE.equals(args[0])) {
            session.transactionEnded();
          }
        }
        default -> { }
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(ObservedJdbc.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private static Statement statement(Statement real, Connection connection, TraceSession session, Locator locator) {
    InvocationHandler h = (proxy, method, args) -> {
      String name = method.getName();
      boolean executes = (name.equals("execute") || name.equals("executeUpdate") || name.equals("executeLargeUpdate"))
          && args != null && args.length >= 1 && args[0] instanceof String;
      Located where = executes ? locator.next((String) args[0]) : null;
      if (where == null) {
        return invoke(real, method, args);
      }
      TraceSession.Probe p = session.before(connection, (String) args[0], where.location(), where.comments());
      Object result;
      try {
        result = invoke(real, method, args);
      } catch (SQLException e) {
        session.after(p, -1, e);
        throw e;
      }
      long rows = result instanceof Boolean b ? (b ? -1 : real.getLargeUpdateCount()) : ((Number) result).longValue();
      session.after(p, rows, null);
      return result;
    };
    return (Statement) Proxy.newProxyInstance(ObservedJdbc.class.getClassLoader(), new Class<?>[] {Statement.class}, h);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
