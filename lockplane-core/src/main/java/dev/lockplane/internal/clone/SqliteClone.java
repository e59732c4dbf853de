package dev.lockplane.internal.clone;

import dev.lockplane.clone.Snapshot;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/** A clone that is a SQLite file. */
final class SqliteClone extends ManagedClone {
  private final Path file;

  SqliteClone(ManagedCloneManager<?> manager, String name, Path file, Snapshot snapshot) {
    super(manager, name, snapshot);
    this.file = file;
  }

  Path file() {
    return file;
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
  public String toString() {
    return "Clone[" + name() + " (" + file + ") of " + snapshot().name() + "]";
  }
}
