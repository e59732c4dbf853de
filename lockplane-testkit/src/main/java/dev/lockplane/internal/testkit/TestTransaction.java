package dev.lockplane.internal.testkit;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's transaction in transaction isolation: the clone it runs in, and the one connection
 * handle it may hold at a time. {@link #finish()} rolls it back after the test.
 */
@SuppressWarnings("deprecation")
public final class TestTransaction implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.lockplane.testkit");

  private final TransactionDatabases databases;
  private final TransactionDatabases.Slot slot;
  private Connection open;
  private Connection injected;
  private boolean finished;

  /**
   * Takes a clone and opens the test's transaction on it.
   *
   * @param databases the golden's transaction clones
   */
  public TestTransaction(TransactionDatabases databases) {
    this.databases = databases;
    try {
      this.slot = databases.acquire();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot open the test's transaction: " + e.getMessage(), e);
    }
  }

  /**
   * The connection injected into the test's parameters and fields: one handle, shared by all of
   * them, open until the test ends or closes it.
   *
   * @return the handle
   * @throws SQLException if another handle is open
   */
  public synchronized Connection connection() throws SQLException {
    if (injected == null || injected.isClosed()) {
      injected = handle();
    }
    return injected;
  }

  /**
   * A data source whose connections are handles on the test's transaction, one at a time.
   *
   * @return the data source
   */
  public DataSource dataSource() {
    return new HandleSource();
  }

  private synchronized Connection handle() throws SQLException {
    if (finished) {
      throw new SQLException("The test has ended; its transaction was rolled back.", "08003");
    }
    if (open != null && !open.isClosed()) {
      throw new TransactionModeException("The test asked for a second connection while one is open, but isolation ="
          + " TRANSACTION gives each test one connection, inside one transaction. Close the first connection before"
          + " asking for another, or use isolation = DATABASE for this test class.");
    }
    Connection[] self = new Connection[1];
    self[0] = SavepointConnection.open(slot.connection, () -> closed(self[0]), () -> slot.sessionChanged = true);
    open = self[0];
    return open;
  }

  private synchronized void closed(Connection handle) {
    if (open == handle) {
      open = null;
    }
  }

  /**
   * Rolls the test's transaction back and gives the clone back clean.
   *
   * @throws ExtensionConfigurationException if the test ended the transaction itself (its work may be committed)
   */
  public synchronized void finish() {
    if (finished) {
      return;
    }
    finished = true;
    boolean ended;
    try {
      if (open != null) {
        open.close();
      }
      if (slot.connection.isClosed()) {
        databases.discard(slot);
        return;
      }
      ended = !slot.rollBack();
      if (!ended) {
        if (slot.sessionChanged) {
          databases.discard(slot); // client-side state of the connection that a rollback does not reset
        } else {
          databases.release(slot);
        }
        return;
      }
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Cannot roll back the test's transaction in clone " + slot.clone.name()
          + "; destroying the clone: " + e.getMessage());
      databases.discard(slot);
      return;
    }
    databases.discard(slot);
    throw new ExtensionConfigurationException("The test ended the transaction that isolation = TRANSACTION runs it in"
        + " (a COMMIT, ROLLBACK or PREPARE TRANSACTION sent as SQL), so its work may have been committed. Use"
        + " Connection.commit() and rollback(), which Lockplane turns into savepoints, or isolation = DATABASE for"
        + " this test class.");
  }

  @Override
  public void close() {
    try {
      finish();
    } catch (ExtensionConfigurationException e) {
      // reported by the extension's afterEach already; here only the clean-up matters
    }
  }

  /** Hands out handles on the test's one connection. */
  private final class HandleSource extends dev.lockplane.internal.sql.SimpleDataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return handle();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new TransactionModeException("The test asked for a connection as user '" + username + "', but isolation ="
          + " TRANSACTION gives each test one connection, as the clone's owner. Use isolation = DATABASE for this"
          + " test class.");
    }

    @Override
    public String toString() {
      return "Lockplane test data source (one connection, in a transaction rolled back after the test)";
    }
  }
}
