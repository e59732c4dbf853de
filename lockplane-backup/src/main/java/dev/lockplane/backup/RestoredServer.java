package dev.lockplane.backup;

import dev.lockplane.internal.backup.TemporaryServer;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;

/**
 * A backup restored into a temporary data directory and started as its own server — a private,
 * queryable copy of the cluster (physical backup) or of the database (logical backup) as it was at
 * backup time. Closing it stops the server and removes the data directory. Closing twice is safe.
 *
 * <pre>{@code
 * try (RestoredServer copy = repo.restore(id).asServer()) {
 *   copy.copyDatabase("shop", "postgres://app@db.example.com/postgres", null, password, "shop_inspect");
 * }
 * }</pre>
 */
public final class RestoredServer implements AutoCloseable {
  private final TemporaryServer server;
  private final String backupId;

  RestoredServer(LocalPostgres server, Path directory, String backupId) {
    this.server = new TemporaryServer(server, directory);
    this.backupId = backupId;
  }

  /** Returns the running server. */
  public LocalPostgres server() {
    return server.server();
  }

  /** Returns the backup it was restored from. */
  public String backupId() {
    return backupId;
  }

  /**
   * Copies one of its databases into a new database on another server — beside the live database the
   * backup was taken of, for inspection or to be swapped in. {@code pg_dump} and {@code pg_restore} of
   * the restored server's major version do the copy; owners and grants are left out, so the copy's
   * objects belong to {@code user}. A copy that fails drops the database it created.
   *
   * @param database the database of the restored server
   * @param url the target server, as a {@code jdbc:postgresql:} or {@code postgres://} URL of any of its
   *     databases
   * @param user the role to create and restore as (needs {@code CREATEDB}), or null for the URL's
   * @param password its password, or null for the URL's; it goes to the tools through the environment
   * @param target the new database; refused when it exists
   * @throws BackupException {@code ALREADY_EXISTS} when the target exists; {@code DATABASE_ERROR} when
   *     it cannot be created or a tool fails
   */
  public void copyDatabase(String database, String url, String user, String password, String target) {
    java.util.Objects.requireNonNull(database, "database");
    java.util.Objects.requireNonNull(url, "url");
    java.util.Objects.requireNonNull(target, "target");
    dev.lockplane.internal.backup.DatabaseCopy.copy(server.server(), database, url, user, password, target, backupId);
  }

  /** Stops the server and removes its data directory. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "RestoredServer[backup " + backupId + ", " + server.server() + "]";
  }
}
