package dev.lockplane.clone;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a {@link GoldenSource} loads its data: given to {@link GoldenSource#load(GoldenTarget)} by
 * the clone manager that prepares the golden. The target is private to the preparation until it
 * succeeds; on failure it is discarded.
 */
public interface GoldenTarget {

  /**
   * Returns the JDBC URL of the empty database to fill (logical sources).
   *
   * @return the URL, without credentials
   * @throws UnsupportedOperationException for a physical target
   */
  String jdbcUrl();

  /**
   * Returns the database name of the empty database to fill (logical sources).
   *
   * @return the name
   * @throws UnsupportedOperationException for a physical target
   */
  String database();

  /**
   * Returns the user to connect as (logical sources).
   *
   * @return the user
   * @throws UnsupportedOperationException for a physical target
   */
  String user();

  /**
   * Returns the password to connect with (logical sources); never log it.
   *
   * @return the password, or empty when none is needed
   * @throws UnsupportedOperationException for a physical target
   */
  Optional<String> password();

  /**
   * Returns the empty data directory to fill (physical sources); no server runs on it.
   *
   * @return the directory
   * @throws UnsupportedOperationException for a logical target
   */
  Path dataDirectory();

  /**
   * Returns the major version of the server the golden is for.
   *
   * @return for example {@code 18}
   */
  int serverMajorVersion();

  /**
   * Returns the directory of the target server's PostgreSQL binaries, when the target is a server
   * this library runs.
   *
   * @return the directory, or empty for a server reached only over the network
   */
  Optional<Path> binDirectory();

  /**
   * Reports progress of a long load, shown to the user (for example "restored 12 of 40 tables").
   *
   * @param message the message, free of secrets
   */
  void progress(String message);
}
