package dev.lockplane.internal.testkit;

import java.sql.SQLException;

/**
 * A test asked its transaction-isolated connection for something that isolation cannot give; the
 * extension turns it into an {@code ExtensionConfigurationException} with the same message.
 */
public final class TransactionModeException extends SQLException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the test asked for, the limit, and what to do
   */
  public TransactionModeException(String message) {
    super(message, "0A000");
  }
}
