package dev.lockplane.testing;

import dev.lockplane.LockplaneException;
import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An empty database of its own on the test JVM's server ({@link SharedPostgres}), for an application
 * that migrates it at start-up as it would in production, or a test that sets it up with SQL;
 * dropped on close.
 */
public final class ScratchDatabase implements AutoCloseable {
  private final LocalPostgres pg = SharedPostgres.get();
  private final String name;

  /**
   * Creates the database.
   *
   * @param prefix the start of its name (a random part follows)
   */
  public ScratchDatabase(String prefix) {
    name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    execute("postgres", "CREATE DATABASE " + name);
  }

  /**
   * Creates the database and runs SQL in it.
   *
   * @param prefix the start of its name (a random part follows)
   * @param setup statements, separated by semicolons
   */
  public ScratchDatabase(String prefix, String setup) {
    this(prefix);
    execute(name, setup);
  }

  /** Returns the database's name. */
  public String name() {
    return name;
  }

  /**
   * Opens a connection to the database.
   *
   * @return the connection, for the caller to close
   */
  public Connection connect() {
    return pg.connect(name);
  }

  /**
   * Returns the command-line arguments that point Spring Boot's auto-configured data source at this
   * database (no pool needed).
   *
   * @return a mutable list, so that a test can add its own arguments
   */
  public List<String> dataSourceArguments() {
    return new ArrayList<>(List.of(
        "--spring.datasource.url=" + pg.jdbcUrl(name),
        "--spring.datasource.username=" + pg.user(),
        "--spring.datasource.password=" + pg.password(),
        "--spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
        "--spring.main.banner-mode=off"));
  }

  /**
   * Runs a query in the database.
   *
   * @param sql the query
   * @return the first column of its first row, or null when it returns none
   * @throws SQLException when it fails
   */
  public String query(String sql) throws SQLException {
    try (Connection c = pg.connect(name); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * Finds the Lockplane exception in a failure's chain of causes.
   *
   * @param t the failure
   * @return the first {@link LockplaneException} in its chain
   * @throws AssertionError when there is none
   */
  public static LockplaneException lockplaneCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof LockplaneException l) {
        return l;
      }
    }
    throw new AssertionError("no LockplaneException in the chain of " + t, t);
  }

  private void execute(String db, String sql) {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
}
