package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.backup.BackupStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Objects as files under a directory; a key's slashes become subdirectories. Files are created
 * with mode 0600 and directories with 0700 (passed at creation, so no moment exists with wider
 * permissions): a backup holds the data of the database it copies, whatever the process umask.
 *
 * <p>An object is durable when its stream's {@code close} returns, as an object store acknowledges
 * a write only once it is stored: the file's data is flushed to disk ({@code fdatasync}), then the
 * directory holding its name, and every directory created for it in its parent. Without that, a
 * power failure after a backup reported success could lose objects its manifest names, and a WAL
 * segment acknowledged to {@code archive_command} could be lost after PostgreSQL recycled it.
 */
public final class LocalDirectoryStorage implements BackupStorage {
  /** Mode of every directory the storage creates. */
  public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
  /** Mode of every object file. */
  public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private final Path root;
  /** Threads that flush deferred objects: a flush mostly waits for the disk. */
  private static final int FLUSH_THREADS = 2;
  private ExecutorService flusher;

  /**
   * Creates the storage.
   *
   * @param root the directory
   */
  public LocalDirectoryStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      createPrivateDirectories(this.root);
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR,
          "Cannot create the backup repository directory " + this.root + ": " + e + ". Check the path and its permissions.", e);
    }
  }

  /** Returns the directory the objects live in. */
  public Path root() {
    return root;
  }

  /**
   * Creates a directory and its missing parents with mode 0700 (existing ones are left as they are).
   *
   * @param dir the directory
   * @throws IOException when it cannot be created
   */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (posix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Creates a directory and its missing parents like {@link #createPrivateDirectories}, and makes
   * each new directory's name durable in its parent.
   */
  private static void createDurableDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    List<Path> missing = new ArrayList<>();
    for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
      missing.add(d);
    }
    createPrivateDirectories(dir);
    for (Path d : missing) {
      syncDirectory(d.getParent());
    }
  }

  /** Flushes a directory's entries to disk; where the platform cannot, the files' own flush is all there is. */
  static void syncDirectory(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (NoSuchFileException e) {
      // removed meanwhile by a delete that tidied empty directories: nothing left to make durable
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e; // Windows cannot open a directory as a file; elsewhere a failure here is real
      }
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private Path path(String key) throws IOException {
    if (!ObjectKeys.isSafe(key)) {
      // callers check keys read from manifests first; this guards the filesystem whatever the caller
      throw new InvalidKeyException(key);
    }
    return root.resolve(key);
  }

  @Override
  public OutputStream create(String key) throws IOException {
    return create(key, null);
  }

  private OutputStream create(String key, Deferred deferred) throws IOException {
    Path p = path(key);
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    for (int attempt = 1; ; attempt++) {
      createDurableDirectories(p.getParent());
      try {
        return new DurableFile(p, posix(p)
            ? FileChannel.open(p, options, PosixFilePermissions.asFileAttribute(FILE_MODE))
            : FileChannel.open(p, options), deferred);
      } catch (NoSuchFileException e) {
        // a concurrent delete tidied the empty parent away between the two calls: create it again
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /**
   * An object's file being written: {@code close} makes it durable, unless it was deleted first
   * (abandoned); or, for a {@link Deferred} view, hands that to the view's background flush.
   */
  private static final class DurableFile extends OutputStream {
    private final Path path;
    private final FileChannel channel;
    private final Deferred deferred;
    private boolean closed;

    DurableFile(Path path, FileChannel channel, Deferred deferred) {
      this.path = path;
      this.channel = channel;
      this.deferred = deferred;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      if (deferred != null) {
        deferred.flushLater(path, channel);
        return;
      }
      boolean kept = Files.exists(path);
      try (channel) {
        if (kept) {
          channel.force(false);
        }
      }
      if (kept) {
        syncDirectory(path.getParent());
      }
    }
  }

  /**
   * Returns a view of this storage whose objects become durable at {@link Deferred#flush()} rather
   * than when each is closed: the many objects of one backup are flushed to disk in the background
   * while the next ones are compressed, and the backup flushes them all before it writes its manifest.
   */
  public Deferred deferred() {
    return new Deferred();
  }

  private ExecutorService flusher() {
    synchronized (this) {
      if (flusher == null) {
        flusher = Executors.newFixedThreadPool(FLUSH_THREADS, r -> {
          Thread t = new Thread(r, "lockplane-backup-flush");
          t.setDaemon(true);
          return t;
        });
      }
      return flusher;
    }
  }

  /** A view of the storage with deferred durability; see {@link #deferred()}. Thread-safe. */
  public final class Deferred implements BackupStorage {
    private final Queue<Future<?>> pending = new ConcurrentLinkedQueue<>();
    private final Set<Path> directories = ConcurrentHashMap.newKeySet();

    private Deferred() {}

    void flushLater(Path path, FileChannel channel) {
      directories.add(path.getParent());
      pending.add(flusher().submit(() -> {
        try (channel) {
          if (Files.exists(path)) {
            channel.force(false);
          }
        }
        return null;
      }));
    }

    /**
     * Makes every object this view wrote durable: waits for their files' flushes, then flushes the
     * directories holding them.
     *
     * @throws IOException when a flush failed (the objects may not survive a power failure)
     */
    public void flush() throws IOException {
      IOException failure = null;
      for (Future<?> f; (f = pending.poll()) != null; ) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while flushing backup objects to disk");
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      for (Path dir : directories) {
        syncDirectory(dir);
      }
      directories.clear();
    }

    @Override
    public OutputStream create(String key) throws IOException {
      return LocalDirectoryStorage.this.create(key, this);
    }

    @Override
    public InputStream open(String key) throws IOException {
      return LocalDirectoryStorage.this.open(key);
    }

    @Override
    public long size(String key) throws IOException {
      return LocalDirectoryStorage.this.size(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
      return LocalDirectoryStorage.this.list(prefix);
    }

    @Override
    public java.util.Map<String, Long> sizes(String prefix) throws IOException {
      return LocalDirectoryStorage.this.sizes(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
      LocalDirectoryStorage.this.delete(key);
    }

    @Override
    public String describe() {
      return LocalDirectoryStorage.this.describe();
    }

    @Override
    public void close() {
      // the view owns nothing; the storage it belongs to is closed by its owner
    }
  }

  /** An object key that would leave the repository directory. */
  public static final class InvalidKeyException extends IOException {
    private static final long serialVersionUID = 1L;

    InvalidKeyException(String key) {
      super("invalid object key '" + key + "': it would leave the repository directory");
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    return Files.newInputStream(path(key));
  }

  @Override
  public long size(String key) throws IOException {
    return Files.size(path(key));
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    // walk from the deepest existing directory the prefix names, then filter by the full prefix
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> s = Files.walk(start)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        String k = root.relativize(p).toString().replace('\\', '/');
        if (k.startsWith(prefix)) {
          keys.add(k);
        }
      });
    } catch (java.io.UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
    }
    Collections.sort(keys);
    return keys;
  }

  @Override
  public java.util.Map<String, Long> sizes(String prefix) throws IOException {
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
    java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
    if (!Files.isDirectory(start)) {
      return sizes;
    }
    Files.walkFileTree(start, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes attrs) {
        String k = root.relativize(p).toString().replace('\\', '/');
        if (attrs.isRegularFile() && k.startsWith(prefix)) {
          sizes.put(k, attrs.size());
        }
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          // deleted while listed
          return java.nio.file.FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    return sizes;
  }

  @Override
  public void delete(String key) throws IOException {
    Path p = path(key);
    Files.deleteIfExists(p);
    // empty directories are an artifact of this storage, not objects: tidy them up to the root
    Path dir = p.getParent();
    while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        break;
      }
      dir = dir.getParent();
    }
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  /** Stops the flush threads once their work is done; a later deferred write starts them again. */
  @Override
  public void close() {
    synchronized (this) {
      if (flusher != null) {
        flusher.shutdown();
        flusher = null;
      }
    }
  }
}
