package dev.lockplane.internal.clone;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/** A clone that is a SQLite file. */
final class SqliteClone implements Clone {
  private final SqliteCloneManager manager;
  private final String name;
  private final Path file;
  private volatile Snapshot snapshot;
  private volatile Instant createdAt;
  final AtomicBoolean destroyed = new AtomicBoolean();
  final Object lock = new Object();

  SqliteClone(SqliteCloneManager manager, String name, Path file, Snapshot snapshot) {
    this.manager = manager;
    this.name = name;
    this.file = file;
    this.snapshot = snapshot;
    this.createdAt = Instant.now();
  }

  Path file() {
    return file;
  }

  void reborn(Snapshot s) {
    snapshot = s;
    createdAt = Instant.now();
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
    return "jdbc:sqlite:" + file;
  }

  @Override
  public String user() {
    return "";
  }

  @Override
  public String password() {
    return "";
  }

  @Override
  public DataSource dataSource() {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl(jdbcUrl());
    ds.setEnforceForeignKeys(true);
    return ds;
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
    return "Clone[" + name + " (" + file + ") of " + snapshot.name() + "]";
  }
}
