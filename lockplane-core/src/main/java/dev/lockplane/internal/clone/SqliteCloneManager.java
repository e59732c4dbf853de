package dev.lockplane.internal.clone;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneStrategy;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.fs.Reflinks;
import dev.lockplane.internal.postgres.ClusterCache;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.internal.sql.ScriptRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * SQLite clones: the golden is a database file built once per content hash; a snapshot is a file;
 * a clone is a reflink (or copy) of a snapshot file.
 */
public final class SqliteCloneManager extends ManagedCloneManager<SqliteClone> {
  private final Path dir;
  private final boolean reflink;

  /**
   * Prepares (or reuses) the golden file under {@code dir} and returns a ready manager.
   *
   * @param dir the directory for golden, snapshot and clone files
   * @param golden what the golden holds; {@link Golden.FromDatabase} names a SQLite file to copy
   * @return the manager
   */
  public static SqliteCloneManager start(Path dir, Golden golden) {
    try {
      Files.createDirectories(dir.resolve("clones"));
      Files.createDirectories(dir.resolve("snapshots"));
      boolean reflink = Reflinks.supported(dir);
      String fs = Reflinks.filesystemType(dir);
      CloneStrategy strategy = reflink
          ? new CloneStrategy(CopyMethod.REFLINK, true, "reflink copies of the golden file on " + fs)
          : new CloneStrategy(CopyMethod.COPY, false, "byte copies of the golden file: " + fs + " at " + dir + " has no reflink");
      Path file = dir.resolve("golden-" + golden.contentHash().substring(0, 16) + ".db");
      if (!Files.isRegularFile(file)) {
        build(file, golden);
      }
      Snapshot g = new Snapshot(file.getFileName().toString(), Files.getLastModifiedTime(file).toInstant(), golden.describe());
      return new SqliteCloneManager(dir, reflink, strategy, g, file);
    } catch (IOException e) {
      throw ClusterCache.ioFailure("Cannot prepare SQLite clones in " + dir, dir, e);
    }
  }

  private static void build(Path file, Golden golden) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".building-" + UUID.randomUUID());
    try {
      if (golden instanceof Golden.FromDatabase fd) {
        Path source = Path.of(fd.database());
        if (!Files.isRegularFile(source)) {
          throw new LockplaneException(ErrorCode.IO_ERROR,
              "No SQLite database file at " + source.toAbsolutePath() + " to copy as the golden.");
        }
        try (Connection c = sqlite("jdbc:sqlite:" + source)) {
          // a consistent copy even while another process writes
          DatabaseCloneManager.exec(c, "VACUUM INTO " + Identifiers.literal(tmp.toString()));
        }
      } else {
        try (Connection c = sqlite("jdbc:sqlite:" + tmp)) {
          for (Script s : ((Golden.FromScripts) golden).scripts()) {
            ScriptRunner.run(c, s);
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot build the SQLite golden " + file + ": " + e.getMessage(), e);
    } finally {
      FileTrees.deleteQuietly(tmp);
      FileTrees.deleteQuietly(Path.of(tmp + "-journal"));
    }
  }

  private SqliteCloneManager(Path dir, boolean reflink, CloneStrategy strategy, Snapshot golden, Path goldenFile) {
    super(strategy, golden, goldenFile.toString());
    this.dir = dir;
    this.reflink = reflink;
  }

  /** Opens a SQLite connection without DriverManager (see ServerProcess for why). */
  private static Connection sqlite(String url) throws SQLException {
    Connection c = new org.sqlite.JDBC().connect(url, new java.util.Properties());
    if (c == null) {
      throw new SQLException("the SQLite driver refused " + url);
    }
    return c;
  }

  @Override
  SqliteClone newClone(String name, Snapshot snapshot) {
    return new SqliteClone(this, name, dir.resolve("clones").resolve(name + ".db"), snapshot);
  }

  @Override
  void copyInto(SqliteClone clone, String snapshotFile) {
    replace(clone, snapshotFile);
  }

  @Override
  void replace(SqliteClone clone, String snapshotFile) {
    Path src = Path.of(snapshotFile);
    try {
      for (String suffix : List.of("-wal", "-shm", "-journal")) {
        Files.deleteIfExists(Path.of(clone.file() + suffix));
      }
      Reflinks.copy(src, clone.file(), reflink);
    } catch (IOException e) {
      LockplaneException le = ClusterCache.ioFailure("Cannot copy " + src + " for clone " + clone.name(), clone.file(), e);
      throw new CloneException(le.code(), clone.name(), le.getMessage(), e);
    }
  }

  @Override
  void drop(SqliteClone clone) {
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      FileTrees.deleteQuietly(Path.of(clone.file() + suffix));
    }
  }

  @Override
  String freeze(String name, SqliteClone source) {
    Path file = dir.resolve("snapshots").resolve(name + ".db");
    try (Connection c = sqlite(source.jdbcUrl())) {
      // VACUUM INTO gives a consistent file even with open writers
      Files.deleteIfExists(file);
      DatabaseCloneManager.exec(c, "VACUUM INTO " + Identifiers.literal(file.toString()));
      return file.toString();
    } catch (SQLException | IOException e) {
      throw new CloneException(ErrorCode.IO_ERROR, name, "Cannot snapshot clone " + source.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  void dropSnapshot(String file) {
    FileTrees.deleteQuietly(Path.of(file));
  }

  @Override
  void release() {
    // files only: nothing held open
  }

  @Override
  public String toString() {
    return "SqliteCloneManager[" + dir + ", " + strategy().method() + "]";
  }
}
