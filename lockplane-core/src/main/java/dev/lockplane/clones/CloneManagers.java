package dev.lockplane.clones;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.golden.MaskingReport;
import dev.lockplane.internal.clone.PrefetchingCloneManager;
import dev.lockplane.internal.clone.ServerEndpoint;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

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

  /**
   * Decorates a manager so that {@link CloneManager#create()} hands out a clone made in advance: the
   * decorator keeps {@code spares} clones of the golden ready, made in the background, and drops the
   * clones it handed out in the background when they are destroyed. A test suite, a preview
   * environment or a request handler then waits for a queue poll, not for {@code CREATE DATABASE}.
   * A spare's first connection is opened in the background as well: the first
   * {@code dataSource().getConnection()} on a spare returns that never-used session.
   *
   * <p>Only {@code create()} uses the spares; {@code create(name)} and clones of other snapshots are
   * made by the decorated manager at once. Spares are not listed by {@code list()}. Closing the
   * decorator destroys the spares first, then closes the decorated manager.
   *
   * <pre>{@code
   * try (CloneManager clones = CloneManagers.prefetching(
   *     CloneManagers.databases(pg).golden(Golden.fromScripts(Path.of("db/schema.sql"))).start(), 2)) {
   *   Clone c = clones.create();      // a spare: ready in microseconds
   *   ...
   *   c.destroy();                    // returns at once; the database is dropped in the background
   * }
   * }</pre>
   *
   * @param manager any manager (database-level, SQLite, instance-level); closed with the decorator
   * @param spares how many clones to keep ready, 0 to 64 (0: made on demand, destroyed in the background)
   * @return the decorating manager
   */
  public static CloneManager prefetching(CloneManager manager, int spares) {
    Objects.requireNonNull(manager, "manager");
    if (spares < 0 || spares > 64) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "spares must be 0 to 64, not " + spares + ".");
    }
    return new PrefetchingCloneManager(manager, spares);
  }

  /**
   * Like {@link #prefetching(CloneManager, int)}, and a clone destroyed after use is recycled instead
   * of dropped: in the background, only what it changed is restored from the golden (tables whose rows
   * changed are reloaded, sequences set back), and it joins the spares again. A clone whose changes
   * cannot be restored that way (schema changes, temporary tables, large objects, database settings,
   * a prepared transaction, a session still connected, a large share of the data rewritten) is dropped
   * and a new one made, as without recycling. Only database-level clones on PostgreSQL 15 or later
   * with {@code track_counts} on are recycled; other managers' clones are dropped.
   *
   * <pre>{@code
   * try (CloneManager clones = CloneManagers.recycling(
   *     CloneManagers.databases(pg).golden(Golden.fromScripts(Path.of("db/schema.sql"))).start(), 2)) {
   *   Clone c = clones.create();
   *   ...
   *   c.destroy();                    // returns at once; restored in the background, then reused
   * }
   * }</pre>
   *
   * @param manager any manager; closed with the decorator
   * @param spares how many clones to keep ready, 0 to 64
   * @return the decorating manager
   */
  public static CloneManager recycling(CloneManager manager, int spares) {
    Objects.requireNonNull(manager, "manager");
    if (spares < 0 || spares > 64) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "spares must be 0 to 64, not " + spares + ".");
    }
    return new PrefetchingCloneManager(manager, spares, true);
  }

  /**
   * Returns the masking report kept with the golden of a database-level clone manager: the rules
   * applied, the rows per table, the duration and the columns that looked personal and had no rule.
   * The same as {@link CloneManager#maskingReport()}.
   *
   * @param manager a clone manager
   * @return the report, or empty when the golden is not masked or the manager keeps no report
   */
  public static Optional<MaskingReport> maskingReport(CloneManager manager) {
    return Objects.requireNonNull(manager, "manager").maskingReport();
  }

  /**
   * The orphaned clones on a PostgreSQL server: databases that clone managers made and whose process
   * was killed before it dropped them. See {@link Orphans}.
   *
   * @param jdbcUrl a URL such as {@code jdbc:postgresql://db:5432/postgres}
   * @param user a role that may drop the orphans (their owner, or a superuser)
   * @param password its password
   * @return the orphans of that server; nothing is connected until a method is called
   * @throws LockplaneException with {@code INVALID_CONFIGURATION} for a URL that is not a PostgreSQL JDBC URL
   */
  public static Orphans orphans(String jdbcUrl, String user, String password) {
    ServerEndpoint ep = ServerEndpoint.parse(
        Objects.requireNonNull(jdbcUrl, "jdbcUrl"), Objects.requireNonNull(user, "user"),
        Objects.requireNonNull(password, "password"));
    return new Orphans(ep, null);
  }

  /**
   * The orphaned clones on a server started by Lockplane. See {@link Orphans}.
   *
   * @param server the server
   * @return the orphans of that server
   */
  public static Orphans orphans(LocalPostgres server) {
    return new Orphans(endpoint(Objects.requireNonNull(server, "server")), null);
  }

  static ServerEndpoint endpoint(LocalPostgres server) {
    return new ServerEndpoint(server.jdbcUrl("postgres"), server.user(), server.password());
  }
}
