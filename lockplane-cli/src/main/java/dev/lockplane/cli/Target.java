package dev.lockplane.cli;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.sql.DataSource;

/**
 * A database named on the command line, with its resolved credentials.
 *
 * @param url the JDBC URL (may still hold a {@code password=} parameter: print only {@link #shown()})
 * @param user the user, or null
 * @param password the password, or null
 */
record Target(String url, String user, String password) {
  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  boolean postgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  boolean sqlite() {
    return url.startsWith("jdbc:sqlite:");
  }

  /** The URL without secrets. */
  String shown() {
    return dev.lockplane.internal.sql.JdbcUrls.redact(url);
  }

  DataSource dataSource() {
    return new UrlDataSource(url, user, password);
  }

  /**
   * For commands that only read: a SQLite URL must name an existing SQLite database (the driver
   * would otherwise create an empty file and report an empty schema).
   */
  Target requireExisting(String command) {
    if (!sqlite()) {
      return this;
    }
    String file = url.substring("jdbc:sqlite:".length());
    int q = file.indexOf('?');
    if (q >= 0) {
      file = file.substring(0, q);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    if (file.equals(":memory:") || file.isEmpty()) {
      return this;
    }
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "No SQLite database at " + p.toAbsolutePath()
          + ": " + command + " reads an existing file and creates none. Check --url.");
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(SQLITE_HEADER.length);
      if (head.length > 0 && !Arrays.equals(head, SQLITE_HEADER)) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, p.toAbsolutePath()
            + " is not a SQLite database (it does not start with the SQLite header). Check --url.");
      }
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot read " + p.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    return this;
  }
}
