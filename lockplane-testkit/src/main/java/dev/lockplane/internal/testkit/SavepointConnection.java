package dev.lockplane.internal.testkit;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.postgresql.jdbc.AutoSave;

/**
 * A connection handed to a test in transaction isolation: a handle on the one physical connection
 * whose transaction is rolled back after the test. The handle behaves like a connection of its own
 * — auto-commit on at first, {@code commit()} and {@code rollback()} when it is off — but a "commit"
 * only releases a savepoint inside the surrounding transaction, and a "rollback" rolls back to it.
 *
 * <p>In auto-commit mode a failing statement must not abort the statements after it, as it would
 * inside one transaction: the driver's {@code autosave} wraps each statement in a savepoint then.
 */
final class SavepointConnection implements InvocationHandler {
  /** The savepoint that stands for the test's explicit transaction. */
  private static final String TX = "lockplane_test_tx";

  private final Connection physical;
  private final Runnable onClose;
  private final Runnable onSessionChange;
  private boolean autoCommit = true;
  private boolean closed;

  private SavepointConnection(Connection physical, Runnable onClose, Runnable onSessionChange) {
    this.physical = physical;
    this.onClose = onClose;
    this.onSessionChange = onSessionChange;
  }

  /**
   * Makes a handle on a physical connection that is inside the test's transaction.
   *
   * @param physical the connection, with auto-commit off
   * @param onClose told when the handle is closed
   * @param onSessionChange told when the test changes state of the connection that outlives a
   *     rollback (holdability, type map, timeouts, client info, or anything through {@code unwrap})
   * @return the handle
   * @throws SQLException if the driver refuses autosave
   */
  static Connection open(Connection physical, Runnable onClose, Runnable onSessionChange) throws SQLException {
    physical.unwrap(PGConnection.class).setAutosave(AutoSave.ALWAYS);
    return (Connection) Proxy.newProxyInstance(SavepointConnection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new SavepointConnection(physical, onClose, onSessionChange));
  }

  @Override
  public synchronized Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
    String name = m.getName();
    switch (name) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "Lockplane test connection (in a transaction rolled back after the test)" + (closed ? ", closed" : "");
      case "isClosed":
        return closed || physical.isClosed();
      case "close":
      case "abort":
        close();
        return null;
      default:
        break;
    }
    if (closed) {
      throw new SQLException("This connection has been closed.", "08003");
    }
    switch (name) {
      case "getAutoCommit":
        return autoCommit;
      case "setAutoCommit":
        setAutoCommit((Boolean) args[0]);
        return null;
      case "commit":
        commit();
        return null;
      case "rollback":
        if (args == null || args.length == 0) {
          rollback();
          return null;
        }
        break;
      case "setSavepoint":
        if (autoCommit) {
          throw new SQLException("Cannot establish a savepoint in auto-commit mode.", "25P01");
        }
        break;
      case "setTransactionIsolation":
        if ((Integer) args[0] != physical.getTransactionIsolation()) {
          throw new TransactionModeException("The test asked for another transaction isolation level, but isolation ="
              + " TRANSACTION runs every test inside one READ COMMITTED transaction. Use isolation = DATABASE for"
              + " this test class.");
        }
        return null;
      case "setReadOnly":
        if ((Boolean) args[0] != physical.isReadOnly()) {
          throw new TransactionModeException("The test asked for a read-only connection, but isolation = TRANSACTION"
              + " runs every test inside one read-write transaction. Use isolation = DATABASE for this test class.");
        }
        return null;
      case "setHoldability", "setTypeMap", "setNetworkTimeout", "setClientInfo", "setSchema", "setCatalog", "unwrap":
        onSessionChange.run();
        break;
      default:
        break;
    }
    try {
      return m.invoke(physical, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private void setAutoCommit(boolean on) throws SQLException {
    if (on == autoCommit) {
      return;
    }
    if (on) {
      endExplicit(true, false); // JDBC: turning auto-commit on commits
      physical.unwrap(PGConnection.class).setAutosave(AutoSave.ALWAYS);
    } else {
      physical.unwrap(PGConnection.class).setAutosave(AutoSave.NEVER);
      exec("SAVEPOINT " + TX);
    }
    autoCommit = on;
  }

  private void commit() throws SQLException {
    if (autoCommit) {
      throw new SQLException("Cannot commit when autoCommit is enabled.", "25000");
    }
    endExplicit(true, true);
  }

  private void rollback() throws SQLException {
    if (autoCommit) {
      throw new SQLException("Cannot rollback when autoCommit is enabled.", "25000");
    }
    exec("ROLLBACK TO SAVEPOINT " + TX);
  }

  /**
   * Ends the test's explicit transaction: its "commit" keeps the work, unless an error aborted it;
   * {@code next} begins the next one, as a commit in manual-commit mode does.
   */
  private void endExplicit(boolean commit, boolean next) throws SQLException {
    boolean failed = physical.unwrap(BaseConnection.class).getTransactionState() == TransactionState.FAILED;
    if (!commit || failed) {
      exec("ROLLBACK TO SAVEPOINT " + TX);
    }
    exec("RELEASE SAVEPOINT " + TX);
    if (next) {
      exec("SAVEPOINT " + TX);
    }
    if (commit && failed) {
      // as the driver does when the server answers COMMIT with ROLLBACK
      throw new SQLException("The transaction was aborted by an earlier error, so it was rolled back, not committed.", "40000");
    }
  }

  private void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!autoCommit && !physical.isClosed()) {
        endExplicit(false, false); // as the driver does: closing with work pending rolls it back
      }
    } finally {
      onClose.run();
    }
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = physical.createStatement()) {
      s.execute(sql);
    }
  }
}
