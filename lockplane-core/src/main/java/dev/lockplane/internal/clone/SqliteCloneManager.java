package dev.lockplane.internal.clone;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CloneStrategy;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.fs.Reflinks;
import dev.lockplane.internal.postgres.ClusterCache;
import dev.lockplane.internal.sql.ScriptRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * SQLite clones: the golden is a database file built once per content hash; a snapshot is a file;
 * a clone is a reflink (or copy) of a snapshot file.
 */
public final class SqliteCloneManager implements CloneManager {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

  private final Path dir;
  private final boolean reflink;
  private final CloneStrategy strategy;
  private final Snapshot golden;
  private final Map<String, SqliteClone> clones = new ConcurrentHashMap<>();
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<String, Path> snapshotFiles = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

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
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source)) {
          // a consistent copy even while another process writes
          DatabaseCloneManager.exec(c, "VACUUM INTO '" + tmp.toString().replace("'", "''") + "'");
        }
      } else {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp)) {
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
    this.dir = dir;
    this.reflink = reflink;
    this.strategy = strategy;
    this.golden = golden;
    snapshots.put(golden.name(), golden);
    snapshotFiles.put(golden.name(), goldenFile);
  }

  @Override
  public Snapshot golden() {
    return golden;
  }

  @Override
  public CloneStrategy strategy() {
    return strategy;
  }

  @Override
  public Clone create() {
    return create("clone-" + counter.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6));
  }

  @Override
  public Clone create(String name) {
    return create(name, golden);
  }

  @Override
  public Clone create(String name, Snapshot snapshot) {
    checkOpen();
    checkName(name);
    Path src = snapshotFile(snapshot);
    SqliteClone c = new SqliteClone(this, name, dir.resolve("clones").resolve(name + ".db"), snapshot);
    if (clones.putIfAbsent(name, c) != null) {
      throw new CloneException(ErrorCode.ALREADY_EXISTS, name,
          "A clone named '" + name + "' already exists; choose another name or destroy it first.", null);
    }
    try {
      copy(src, c.file(), name);
      return c;
    } catch (RuntimeException e) {
      clones.remove(name, c);
      throw e;
    }
  }

  private void copy(Path src, Path dst, String what) {
    try {
      for (String suffix : List.of("-wal", "-shm", "-journal")) {
        Files.deleteIfExists(Path.of(dst + suffix));
      }
      Reflinks.copy(src, dst, reflink);
    } catch (IOException e) {
      LockplaneException le = ClusterCache.ioFailure("Cannot copy " + src + " for clone " + what, dst, e);
      throw new CloneException(le.code(), what, le.getMessage(), e);
    }
  }

  private Path snapshotFile(Snapshot s) {
    Path p = snapshotFiles.get(s.name());
    if (p == null || !snapshots.get(s.name()).equals(s)) {
      throw new CloneException(ErrorCode.NOT_FOUND, s.name(),
          "Snapshot '" + s.name() + "' does not belong to this manager (or was removed).", null);
    }
    return p;
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new CloneException(ErrorCode.INVALID_CONFIGURATION, String.valueOf(name),
          "'" + name + "' is not a valid name: use 1 to 40 lower-case letters, digits, '_' or '-', starting with a letter.", null);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new LockplaneException(ErrorCode.CLOSED, "This clone manager is closed; start a new one.");
    }
  }

  void reset(SqliteClone c, Snapshot to) {
    checkOpen();
    Path src = snapshotFile(to);
    synchronized (c.lock) {
      if (c.destroyed.get()) {
        throw new CloneException(ErrorCode.NOT_FOUND, c.name(), "Clone '" + c.name() + "' was destroyed.", null);
      }
      copy(src, c.file(), c.name());
      c.reborn(to);
    }
  }

  void destroy(SqliteClone c) {
    synchronized (c.lock) {
      if (!c.destroyed.compareAndSet(false, true)) {
        return;
      }
      clones.remove(c.name(), c);
      for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
        FileTrees.deleteQuietly(Path.of(c.file() + suffix));
      }
    }
  }

  @Override
  public void keep(Clone clone) {
    if (clone instanceof SqliteClone c) {
      clones.remove(c.name(), c);
    }
  }

  @Override
  public List<Clone> list() {
    List<Clone> out = new ArrayList<>(clones.values());
    out.sort(Comparator.comparing(Clone::name));
    return out;
  }

  @Override
  public Optional<Clone> get(String name) {
    return Optional.ofNullable(clones.get(name));
  }

  @Override
  public Snapshot snapshot(String name, Clone source) {
    checkOpen();
    checkName(name);
    if (!(source instanceof SqliteClone sc) || clones.get(sc.name()) != sc) {
      throw new CloneException(ErrorCode.NOT_FOUND, source.name(), "Clone '" + source.name() + "' does not belong to this manager.", null);
    }
    Snapshot snap = new Snapshot(name, Instant.now(), "snapshot of clone " + sc.name());
    if (snapshots.putIfAbsent(name, snap) != null) {
      throw new CloneException(ErrorCode.ALREADY_EXISTS, name, "A snapshot named '" + name + "' already exists.", null);
    }
    Path file = dir.resolve("snapshots").resolve(name + ".db");
    synchronized (sc.lock) {
      try (Connection c = DriverManager.getConnection(sc.jdbcUrl())) {
        // VACUUM INTO gives a consistent file even with open writers
        Files.deleteIfExists(file);
        DatabaseCloneManager.exec(c, "VACUUM INTO '" + file.toString().replace("'", "''") + "'");
      } catch (SQLException | IOException e) {
        snapshots.remove(name, snap);
        throw new CloneException(ErrorCode.IO_ERROR, name, "Cannot snapshot clone " + sc.name() + ": " + e.getMessage(), e);
      }
    }
    snapshotFiles.put(name, file);
    return snap;
  }

  @Override
  public List<Snapshot> snapshots() {
    List<Snapshot> out = new ArrayList<>(snapshots.values());
    out.sort(Comparator.comparing((Snapshot s) -> !s.equals(golden)).thenComparing(Snapshot::createdAt).thenComparing(Snapshot::name));
    return out;
  }

  @Override
  public void destroySnapshot(Snapshot snapshot) {
    checkOpen();
    if (snapshot.equals(golden)) {
      throw new CloneException(ErrorCode.IN_USE, snapshot.name(), "The golden snapshot cannot be removed.", null);
    }
    Path f = snapshotFile(snapshot);
    List<String> users = clones.values().stream().filter(c -> c.snapshot().equals(snapshot)).map(Clone::name).sorted().toList();
    if (!users.isEmpty()) {
      throw new CloneException(ErrorCode.IN_USE, snapshot.name(),
          "Snapshot '" + snapshot.name() + "' is used by clones " + users + "; destroy or reset them first.", null);
    }
    snapshots.remove(snapshot.name());
    snapshotFiles.remove(snapshot.name());
    FileTrees.deleteQuietly(f);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (SqliteClone c : List.copyOf(clones.values())) {
      destroy(c);
    }
    for (Map.Entry<String, Path> s : snapshotFiles.entrySet()) {
      if (!s.getKey().equals(golden.name())) {
        FileTrees.deleteQuietly(s.getValue());
      }
    }
  }

  @Override
  public String toString() {
    return "SqliteCloneManager[" + dir + ", " + strategy.method() + "]";
  }
}
