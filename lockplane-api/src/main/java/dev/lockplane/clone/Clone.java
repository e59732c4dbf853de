package dev.lockplane.clone;

import java.time.Instant;
import javax.sql.DataSource;

/**
 * A private, writable copy of a {@link Snapshot}. A clone is created in time that does not depend on
 * the size of the database where the storage allows it, can be {@linkplain #reset() reset} back to
 * its snapshot, and is {@linkplain #destroy() destroyed} when no longer needed.
 *
 * <p>A clone handle is thread-safe. {@link #close()} destroys the clone; closing twice is safe.
 *
 * <pre>{@code
 * try (Clone c = clones.create("migration-test")) {
 *   try (Connection conn = c.dataSource().getConnection()) {
 *     conn.createStatement().execute("DROP TABLE orders");
 *   }
 *   c.reset(); // orders is back
 * }
 * }</pre>
 */
public interface Clone extends AutoCloseable {

  /** Returns the name of this clone, unique within its manager. */
  String name();

  /** Returns the snapshot this clone was created from, and that {@link #reset()} returns to. */
  Snapshot snapshot();

  /** Returns the JDBC URL that connects to this clone. */
  String jdbcUrl();

  /** Returns the user name to connect with. */
  String user();

  /** Returns the password to connect with (empty when the server does not ask for one). */
  String password();

  /**
   * Returns a {@link DataSource} connecting to this clone with {@link #user()} and
   * {@link #password()}. It is not pooled: every {@code getConnection()} opens a new connection.
   */
  DataSource dataSource();

  /** Returns when this clone was created or last reset. */
  Instant createdAt();

  /**
   * Discards every change made to this clone and returns it to its snapshot. Open connections to
   * the clone are terminated. The clone keeps its name and connection details.
   */
  void reset();

  /**
   * Discards every change made to this clone and makes it a copy of another snapshot of the same
   * manager. Open connections to the clone are terminated.
   *
   * @param snapshot the snapshot to copy
   */
  void reset(Snapshot snapshot);

  /** Destroys this clone and frees its storage. Destroying an already destroyed clone does nothing. */
  void destroy();

  /** Returns whether {@link #destroy()} has been called on this clone (or on its manager). */
  boolean isDestroyed();

  /** Destroys this clone; the same as {@link #destroy()}. */
  @Override
  default void close() {
    destroy();
  }
}
