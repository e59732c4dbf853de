package dev.lockplane.clones;

import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Entry points for clone managers.
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.builder().start();
 *      CloneManager clones = CloneManagers.databases(pg)
 *          .golden(Golden.fromScripts(Path.of("db/schema.sql"), Path.of("db/seed.sql")))
 *          .start()) {
 *   Clone c = clones.create("neal-migration-test");
 * }
 * }</pre>
 */
public final class CloneManagers {
  private CloneManagers() {}

  /**
   * Database-level clones on a server started by Lockplane. On PostgreSQL 18 the server copies with
   * {@code file_copy_method = clone}: on XFS (reflink) or btrfs a clone costs constant time.
   *
   * @param server the server
   * @return a builder
   */
  public static DatabaseClonesBuilder databases(LocalPostgres server) {
    return new DatabaseClonesBuilder(Objects.requireNonNull(server, "server"));
  }

  /**
   * Database-level clones on any PostgreSQL server (13 or later) reachable by JDBC, with a role that
   * has {@code CREATEDB}. No access to the server's filesystem is assumed.
   *
   * @param jdbcUrl a URL such as {@code jdbc:postgresql://db:5432/postgres}; its database is used for
   *     administrative statements
   * @param user the role
   * @param password its password
   * @return a builder
   */
  public static DatabaseClonesBuilder databases(String jdbcUrl, String user, String password) {
    return new DatabaseClonesBuilder(
        Objects.requireNonNull(jdbcUrl, "jdbcUrl"),
        Objects.requireNonNull(user, "user"),
        Objects.requireNonNull(password, "password"));
  }

  /**
   * SQLite clones: files in a directory, reflinked where the filesystem allows, else copied.
   *
   * @param directory where the golden, snapshot and clone files live
   * @return a builder
   */
  public static SqliteClonesBuilder sqlite(Path directory) {
    return new SqliteClonesBuilder(Objects.requireNonNull(directory, "directory"));
  }
}
