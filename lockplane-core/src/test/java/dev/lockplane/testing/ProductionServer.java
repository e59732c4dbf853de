package dev.lockplane.testing;

import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A second server playing "production" for tests that read a server only over the network: a
 * PostgreSQL of the machine's client tools' version (Debian's {@code postgresql-client-15}), with
 * password authentication for TCP connections (the replication database included) and two
 * non-superuser roles: {@value #REPLICATOR} with {@code REPLICATION}, {@value #READER} without.
 * Like a server Lockplane did not make, its data directory holds no Lockplane password file, so a
 * copy of it has a superuser whose password nobody here knows. Close it to stop it.
 */
public final class ProductionServer implements AutoCloseable {
  /** The major version the machine's {@code pg_basebackup} and {@code pg_dump} have. */
  public static final int VERSION = 15;
  /** The password of both roles; tests check that it never appears in messages. */
  public static final String PASSWORD = "prod-secret-5e1d7c";
  /** A login role with REPLICATION, no superuser. */
  public static final String REPLICATOR = "prod_repl";
  /** A login role without REPLICATION. */
  public static final String READER = "prod_reader";

  private final LocalPostgres server;

  private ProductionServer(LocalPostgres server) {
    this.server = server;
  }

  /**
   * Starts the server, skipping the test (or failing it under {@code LOCKPLANE_REQUIRE_COW=1})
   * when the machine has no {@code pg_basebackup} of {@link #VERSION}.
   *
   * @return the running server
   */
  public static ProductionServer start() {
    Requirements.require(Files.isExecutable(Path.of("/usr/lib/postgresql/" + VERSION + "/bin/pg_basebackup")),
        "needs pg_basebackup " + VERSION + " (apt-get install postgresql-client-" + VERSION + ")");
    LocalPostgres pg = LocalPostgres.builder().version(VERSION)
        .setting("max_wal_senders", "10").setting("max_replication_slots", "10").setting("wal_level", "replica")
        .setting("shared_buffers", "16MB").start();
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + REPLICATOR + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
      s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + PASSWORD + "'");
      // the running server keeps its password in memory; copies of its files lose it
      Files.delete(pg.dataDirectory().resolve("lockplane.password"));
    } catch (SQLException | java.io.IOException | RuntimeException e) {
      pg.close();
      throw new IllegalStateException("Cannot prepare the production server: " + e.getMessage(), e);
    }
    return new ProductionServer(pg);
  }

  /** Returns the running server, for setting up data as its superuser. */
  public LocalPostgres server() {
    return server;
  }

  /**
   * Returns a {@code postgres://} URL of a database, without credentials.
   *
   * @param database the database
   * @return the URL
   */
  public String url(String database) {
    return "postgres://" + server.host() + ":" + server.port() + "/" + database;
  }

  /**
   * Runs SQL statements as the superuser.
   *
   * @param database the database
   * @param sql the statements
   */
  public void exec(String database, String... sql) {
    try (Connection c = server.connect(database); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
