package dev.lockplane.internal.instances;

import dev.lockplane.clone.Snapshot;
import dev.lockplane.instances.CloneState;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.storage.SpaceUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One clone: its registry fields, its server, and the lock that serializes its lifecycle operations
 * (reset, snapshot, destroy). Reads of the fields need no lock; they are volatile.
 */
final class Entry implements InstanceClone {
  final ReentrantLock lock = new ReentrantLock();
  private final Manager manager;
  final String name;
  final String user;
  final String password;
  final String database;
  volatile String volume;
  volatile int generation;
  volatile String snapshotName;
  volatile int port;
  volatile CloneServer server;
  volatile Instant createdAt;
  volatile Instant lastActive;
  volatile CloneState state;
  volatile String failure;
  volatile boolean protect;

  Entry(Manager manager, String name, String user, String password, String database) {
    this.manager = manager;
    this.name = name;
    this.user = user;
    this.password = password;
    this.database = database;
  }

  Registry.CloneRecord record() {
    CloneServer s = server;
    return new Registry.CloneRecord(
        name, volume, generation, snapshotName, port, s == null ? -1 : s.pid(), user, password, database,
        createdAt.toString(), lastActive.toString(), state.name(), failure, protect);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Snapshot snapshot() {
    return manager.snapshotNamed(snapshotName);
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public String password() {
    return password;
  }

  @Override
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(user);
    ds.setPassword(password);
    ds.setApplicationName("lockplane-clone");
    return ds;
  }

  @Override
  public Instant createdAt() {
    return createdAt;
  }

  @Override
  public void reset() {
    manager.reset(this, null);
  }

  @Override
  public void reset(Snapshot snapshot) {
    manager.reset(this, snapshot);
  }

  @Override
  public void destroy() {
    manager.destroy(this);
  }

  @Override
  public boolean isDestroyed() {
    return manager.isGone(this);
  }

  @Override
  public CloneState state() {
    CloneServer s = server;
    if (state == CloneState.OK && (s == null || !s.isRunning()) && !lock.isLocked()) {
      manager.markFatal(this, "the server of clone " + name + " (port " + port + ") stopped unexpectedly");
    }
    return state;
  }

  @Override
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public long pid() {
    CloneServer s = server;
    return s != null && s.isRunning() ? s.pid() : -1;
  }

  @Override
  public Path dataDirectory() {
    return manager.storage().path(volume).resolve("data");
  }

  @Override
  public String database() {
    return database;
  }

  @Override
  public long logicalSize() {
    try {
      return FileTrees.size(dataDirectory());
    } catch (IOException e) {
      throw new dev.lockplane.CloneException(
          dev.lockplane.ErrorCode.IO_ERROR, name, "Cannot measure clone " + name + ": " + e, e);
    }
  }

  @Override
  public SpaceUsage diskUsage() {
    return manager.storage().usage(volume);
  }

  @Override
  public boolean isProtected() {
    return protect;
  }

  @Override
  public void protect(boolean protect) {
    manager.protect(this, protect);
  }

  @Override
  public String toString() {
    return "InstanceClone[" + name + ", " + state + ", port " + port + ", snapshot " + snapshotName + "]";
  }
}
