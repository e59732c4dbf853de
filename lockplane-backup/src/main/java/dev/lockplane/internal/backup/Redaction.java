package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.BackupException;
import dev.lockplane.internal.sql.JdbcUrls;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Keeps secrets out of what the backup library says: every exception text or URL that goes into a
 * message or a log passes through {@link JdbcUrls#redact}, and a cause whose own messages hold a
 * secret is replaced by a copy with redacted messages (a driver's "no suitable driver for URL"
 * names the whole URL, password included).
 */
public final class Redaction {
  private Redaction() {}

  /**
   * Returns {@code String.valueOf(t)} with secrets removed, for a message.
   *
   * @param t an exception, or null
   * @return the redacted text
   */
  public static String text(Throwable t) {
    return JdbcUrls.redact(String.valueOf(t));
  }

  /**
   * Returns text with secrets removed.
   *
   * @param text text that may hold a URL, or null
   * @return the redacted text
   */
  public static String text(String text) {
    return JdbcUrls.redact(text);
  }

  /**
   * Returns an exception's message with secrets removed.
   *
   * @param t an exception
   * @return its redacted message
   */
  public static String message(Throwable t) {
    return JdbcUrls.redact(t.getMessage());
  }

  /**
   * Returns a cause fit to be wrapped: the exception itself when no message in its chain holds a
   * secret, else a copy of the chain with redacted messages, the same types where they can be
   * rebuilt (SQL state and vendor code kept) and the same stack traces.
   *
   * @param t the cause, or null
   * @return the cause to wrap
   */
  public static Throwable cause(Throwable t) {
    if (t == null || clean(t)) {
      return t;
    }
    return copy(t, 0);
  }

  /**
   * Returns a failure fit to leave the library: itself when no message in its chain holds a
   * secret; else (an exception from another module, such as a connection failure that names a
   * database) a {@link BackupException} with the same code and redacted messages.
   *
   * @param e the failure
   * @param backupId the backup concerned
   * @return the failure to throw
   */
  public static RuntimeException safe(RuntimeException e, String backupId) {
    if (e instanceof BackupException || clean(e)) {
      return e;
    }
    ErrorCode code = e instanceof LockplaneException le ? le.code() : ErrorCode.IO_ERROR;
    return new BackupException(code, e.getMessage(), backupId, null, e);
  }

  private static boolean clean(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (!Objects.equals(c.getMessage(), JdbcUrls.redact(c.getMessage()))) {
        return false;
      }
      for (Throwable s : c.getSuppressed()) {
        if (!clean(s)) {
          return false;
        }
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return true;
  }

  private static Throwable copy(Throwable t, int depth) {
    String msg = JdbcUrls.redact(t.getMessage());
    Throwable out;
    if (t instanceof SQLException sql) {
      out = new SQLException(msg, sql.getSQLState(), sql.getErrorCode());
    } else if (t instanceof java.io.IOException) {
      out = new java.io.IOException(t.getClass().getName() + ": " + msg);
    } else {
      out = new RuntimeException(t.getClass().getName() + ": " + msg);
    }
    out.setStackTrace(t.getStackTrace());
    if (t.getCause() != null && t.getCause() != t && depth < 20) {
      out.initCause(copy(t.getCause(), depth + 1));
    }
    for (Throwable s : t.getSuppressed()) {
      if (depth < 20) {
        out.addSuppressed(copy(s, depth + 1));
      }
    }
    return out;
  }
}
