package dev.lockplane.internal.planner.pg;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.Function;

/**
 * A scratch database: created empty from {@code template0} on a server, used to turn desired SQL
 * into a model, then dropped.
 */
public final class PgScratch implements AutoCloseable {
  private final Function<String, Connection> connector;
  private final String adminDatabase;
  private final String name;
  private boolean dropped;

  private PgScratch(Function<String, Connection> connector, String adminDatabase, String name) {
    this.connector = connector;
    this.adminDatabase = adminDatabase;
    this.name = name;
  }

  /**
   * Creates a scratch database.
   *
   * @param connector opens a connection to a named database of the server
   * @param adminDatabase the database to connect to for CREATE/DROP DATABASE
   */
  public static PgScratch create(Function<String, Connection> connector, String adminDatabase) {
    String name = "lockplane_scratch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = connector.apply(adminDatabase); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " TEMPLATE template0");
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot create the scratch database " + name
          + " that turns desired SQL into a schema: " + e.getMessage()
          + ". The planning user needs CREATEDB on the scratch server.", e);
    }
    return new PgScratch(connector, adminDatabase, name);
  }

  public String name() {
    return name;
  }

  public Connection connect() {
    return connector.apply(name);
  }

  @Override
  public void close() {
    if (dropped) {
      return;
    }
    dropped = true;
    try (Connection c = connector.apply(adminDatabase); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot drop the scratch database " + name
          + ": " + e.getMessage() + ". Drop it by hand.", e);
    }
  }
}
