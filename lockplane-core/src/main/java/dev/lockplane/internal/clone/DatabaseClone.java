package dev.lockplane.internal.clone;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/** A clone that is a database on the manager's server. */
final class DatabaseClone implements Clone {
  private final DatabaseCloneManager manager;
  private final String name;
  private final String database;
  private volatile Snapshot snapshot;
  private volatile Instant createdAt;
  final AtomicBoolean destroyed = new AtomicBoolean();
  /** Serializes reset and destroy of this one clone. */
  final Object lock = new Object();

  DatabaseClone(DatabaseCloneManager manager, String name, String database, Snapshot snapshot, Instant createdAt) {
    this.manager = manager;
    this.name = name;
    this.database = database;
    this.snapshot = snapshot;
    this.createdAt = createdAt;
  }

  String database() {
    return database;
  }

  void reborn(Snapshot s, Instant at) {
    this.snapshot = s;
    this.createdAt = at;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public String jdbcUrl() {
    return manager.endpoint().url(database);
  }

  @Override
  public String user() {
    return manager.endpoint().user();
  }

  @Override
  public String password() {
    return manager.endpoint().password();
  }

  @Override
  public DataSource dataSource() {
    return manager.endpoint().dataSource(database);
  }

  @Override
  public Instant createdAt() {
    return createdAt;
  }

  @Override
  public void reset() {
    manager.reset(this, snapshot);
  }

  @Override
  public void reset(Snapshot other) {
    manager.reset(this, other);
  }

  @Override
  public void destroy() {
    manager.destroy(this);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed.get();
  }

  @Override
  public String toString() {
    return "Clone[" + name + " (database " + database + ") of " + snapshot.name() + "]";
  }
}
