package dev.lockplane.internal.clone;

import dev.lockplane.clone.Snapshot;
import javax.sql.DataSource;

/** A clone that is a database on the manager's server. */
final class DatabaseClone extends ManagedClone {
  private final ServerEndpoint endpoint;
  private final String database;

  DatabaseClone(ManagedCloneManager<?> manager, ServerEndpoint endpoint, String name, String database, Snapshot snapshot) {
    super(manager, name, snapshot);
    this.endpoint = endpoint;
    this.database = database;
  }

  String database() {
    return database;
  }

  @Override
  public String jdbcUrl() {
    return endpoint.url(database);
  }

  @Override
  public String user() {
    return endpoint.user();
  }

  @Override
  public String password() {
    return endpoint.password();
  }

  @Override
  public DataSource dataSource() {
    return endpoint.dataSource(database);
  }

  @Override
  public String toString() {
    return "Clone[" + name() + " (database " + database + ") of " + snapshot().name() + "]";
  }
}
