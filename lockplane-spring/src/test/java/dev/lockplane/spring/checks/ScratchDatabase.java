package dev.lockplane.spring.checks;

import dev.lockplane.LockplaneException;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An empty database of its own on the test JVM's server, for an application that migrates it at
 * start-up as it would in production; dropped on close.
 */
final class ScratchDatabase implements AutoCloseable {
  private final LocalPostgres pg = SharedPostgres.get();
  private final String name = "boot35" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

  ScratchDatabase() {
    execute("postgres", "CREATE DATABASE " + name);
  }

  /** The command-line arguments that point Boot's auto-configured data source at this database (no pool needed). */
  List<String> dataSourceArguments() {
    return new ArrayList<>(List.of(
        "--spring.datasource.url=" + pg.jdbcUrl(name),
        "--spring.datasource.username=" + pg.user(),
        "--spring.datasource.password=" + pg.password(),
        "--spring.datasource.type=org.springframework.jdbc.datasource.SimpleDriverDataSource",
        "--spring.main.banner-mode=off"));
  }

  /** The first column of the first row of a query, or null. */
  String query(String sql) throws SQLException {
    try (Connection c = pg.connect(name); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The Lockplane exception in a failure's chain of causes. */
  static LockplaneException lockplaneCause(Throwable t) {
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
