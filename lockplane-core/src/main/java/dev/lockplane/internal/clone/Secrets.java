package dev.lockplane.internal.clone;

import dev.lockplane.internal.sql.JdbcUrls;
import java.sql.SQLException;

/**
 * Keeps passwords out of messages and logs: URLs and driver messages pass through here before they
 * reach either.
 */
public final class Secrets {
  /** Shorter passwords would mangle ordinary words if replaced wherever they occur. */
  private static final int MIN_LITERAL = 3;

  private Secrets() {}

  /**
   * Redacts URL secrets ({@code password=…}, {@code user:pw@}) and any literal occurrence of the
   * password.
   *
   * @param text the text, or null
   * @param password the password to remove, or null
   * @return the text without secrets
   */
  public static String scrub(String text, String password) {
    String out = JdbcUrls.redact(text);
    if (out != null && password != null && password.length() >= MIN_LITERAL) {
      out = out.replace(password, "***");
    }
    return out;
  }

  /**
   * Returns the exception itself when no message in its cause chain holds a secret, else a copy of
   * the chain with scrubbed messages (same SQL states and stack traces), to be used as a cause.
   *
   * @param t the exception, or null
   * @param password the password to remove, or null
   * @return an exception free of the password
   */
  public static Throwable cause(Throwable t, String password) {
    if (t == null || clean(t, password)) {
      return t;
    }
    Throwable inner = cause(t.getCause() == t ? null : t.getCause(), password);
    String msg = t.getClass().getName() + ": " + scrub(t.getMessage(), password);
    Throwable copy = t instanceof SQLException s
        ? new SQLException(msg, s.getSQLState(), s.getErrorCode(), inner)
        : new RuntimeException(msg, inner);
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  private static boolean clean(Throwable t, String password) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage();
      if (m != null && !m.equals(scrub(m, password))) {
        return false;
      }
    }
    return true;
  }
}
