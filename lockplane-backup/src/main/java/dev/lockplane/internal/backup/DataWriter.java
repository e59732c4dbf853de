package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.BackupStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes the data objects of one backup: each source is cut into fixed-size parts, and parts are
 * compressed, encrypted and stored in parallel. On failure every object written so far is deleted.
 */
public final class DataWriter implements AutoCloseable {
  private final BackupStorage storage;
  private final ObjectCodec codec;
  private final String backupId;
  private final long partSize;
  private final ProgressTracker progress;
  private final ExecutorService pool;
  private final Semaphore inFlightBuffers;
  /** The largest part of a block delta. */
  static final long DELTA_PART = 4L << 20;
  /** Part buffers of streams, returned when their part is stored: at most one per in-flight permit. */
  private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spareBuffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final List<Pending> pending = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Boolean> written = new ConcurrentHashMap<>();
  private final Map<String, Boolean> vanished = new ConcurrentHashMap<>();
  private final Map<String, String> modes = new ConcurrentHashMap<>();

  private record Pending(String path, int index, Future<StoredObject> future, boolean lastOfStream, long size) {}

  /**
   * Creates a writer.
   *
   * @param storage the repository storage
   * @param codec the object codec
   * @param backupId the backup's id
   * @param partSize the part size in bytes
   * @param parallelism how many parts are processed at once
   * @param progress the progress tracker
   */
  public DataWriter(BackupStorage storage, ObjectCodec codec, String backupId, long partSize, int parallelism,
      ProgressTracker progress) {
    // a backup's many objects are flushed to disk in the background and all at once before its manifest
    this.storage = storage instanceof LocalDirectoryStorage local ? local.deferred() : storage;
    this.codec = codec;
    this.backupId = backupId;
    this.partSize = partSize;
    this.progress = progress;
    this.pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "lockplane-backup-writer");
      t.setDaemon(true);
      return t;
    });
    this.inFlightBuffers = new Semaphore(parallelism + 1);
  }

  /** Returns the key prefix of this backup's objects. */
  public static String prefix(String backupId) {
    return "backups/" + backupId + "/";
  }

  private String nextKey() {
    return prefix(backupId) + "data/" + String.format("%07d", sequence.incrementAndGet());
  }

  /**
   * Schedules a file, cut into parts read with positioned reads. A file that disappears before it is
   * read is left out (PostgreSQL's WAL replay recreates or drops it).
   *
   * @param path the path recorded in the manifest
   * @param file the file to read
   * @param size its size when listed; bytes appended later are not copied
   * @param mayVanish whether a missing file is skipped rather than an error
   */
  public void addFile(String path, Path file, long size, boolean mayVanish) {
    addFile(path, file, size, mayVanish, file);
  }

  /**
   * Schedules a file whose recorded mode is another file's (a staged copy stands for its source).
   *
   * @param path the path recorded in the manifest
   * @param file the file to read
   * @param size its size when listed
   * @param mayVanish whether a missing file is skipped rather than an error
   * @param modeOf the file whose permission bits a restore gives the file
   */
  public void addFile(String path, Path file, long size, boolean mayVanish, Path modeOf) {
    addFile(path, file, size, mayVanish, modeOf, null);
  }

  /**
   * Schedules a file whose parts may already be stored by an earlier backup (an incremental's parent).
   *
   * @param path the path recorded in the manifest
   * @param file the file to read
   * @param size its size when listed
   * @param mayVanish whether a missing file is skipped rather than an error
   * @param modeOf the file whose permission bits a restore gives the file
   * @param reuse finds a part's earlier object, or {@code null} to store every part
   */
  public void addFile(String path, Path file, long size, boolean mayVanish, Path modeOf, PartReuse reuse) {
    modes.put(path, modeOf(modeOf));
    long parts = Math.max(1, (size + partSize - 1) / partSize);
    for (int i = 0; i < parts; i++) {
      long offset = i * partSize;
      long len = Math.min(partSize, size - offset);
      String key = nextKey();
      Future<StoredObject> f = pool.submit(() -> {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
          StoredObject earlier = reuse == null ? null : reuse.find(ch, offset, Math.max(0, len));
          if (earlier != null) {
            progress.bytes(Math.max(0, len));
            return earlier;
          }
          ch.position(offset);
          InputStream in = Channels.newInputStream(ch);
          StoredObject o = codec.write(storage, backupId, key, in, Math.max(0, len), progress::bytes);
          written.put(key, true);
          return o;
        } catch (NoSuchFileException e) {
          if (mayVanish) {
            vanished.put(path, true);
            return null;
          }
          throw e;
        }
      });
      pending.add(new Pending(path, i, f, false, -1));
    }
  }

  /**
   * Reads a stream to its end, cutting it into parts processed in parallel. Blocks while too many
   * parts are buffered.
   *
   * @param path the path recorded in the manifest
   * @param in the stream
   * @return the number of bytes read
   * @throws IOException when reading fails
   */
  public long addStream(String path, InputStream in) throws IOException {
    return addStream(path, in, null);
  }

  /**
   * Reads a stream to its end like {@link #addStream(String, InputStream)}, storing only the parts
   * that no earlier backup stored with the same bytes at the same offset.
   *
   * @param path the path recorded in the manifest
   * @param in the stream
   * @param reuse finds a part's earlier object, or {@code null} to store every part
   * @return the number of bytes read
   * @throws IOException when reading fails
   */
  public long addStream(String path, InputStream in, BufferReuse reuse) throws IOException {
    return addStream(path, in, reuse, -1, partSize);
  }

  /**
   * Reads an incremental's block delta of a known length in parts of at most {@link #DELTA_PART}
   * bytes: a delta of a few MiB is compressed on several threads while the next blocks are read,
   * where one part-sized part would be read whole, then compressed on one thread. A wrong length
   * costs only an extra part.
   *
   * @param path the path recorded in the manifest
   * @param in the delta
   * @param length its expected length in bytes
   * @return the number of bytes read
   * @throws IOException when reading fails
   */
  public long addDelta(String path, InputStream in, long length) throws IOException {
    return addStream(path, in, null, length, Math.min(partSize, DELTA_PART));
  }

  private long addStream(String path, InputStream in, BufferReuse reuse, long sizeHint, long part) throws IOException {
    modes.put(path, Manifest.modeText(Manifest.DEFAULT_MODE));
    long total = 0;
    int index = 0;
    while (true) {
      try {
        inFlightBuffers.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while reading " + path);
      }
      // parts of a stream are read into buffers kept for the next parts: a fresh part-sized array
      // each time is a humongous allocation that kept the garbage collector busy (a backup over
      // replication spent more CPU collecting than compressing)
      // one byte more than the expected rest, so that the read reaching the end says so
      int want = (int) (sizeHint < 0 || total >= sizeHint ? part : Math.min(part, sizeHint - total + 1));
      byte[] buf = spareBuffer(want);
      int n;
      try {
        n = in.readNBytes(buf, 0, want);
      } catch (IOException | RuntimeException e) {
        keep(buf);
        inFlightBuffers.release();
        throw e;
      }
      if (n == 0 && index > 0) {
        keep(buf);
        inFlightBuffers.release();
        break;
      }
      long offset = total;
      total += n;
      String key = nextKey();
      Future<StoredObject> f = pool.submit(() -> {
        try {
          StoredObject earlier = reuse == null ? null : reuse.find(offset, buf, n);
          if (earlier != null) {
            progress.bytes(n);
            return earlier;
          }
          StoredObject o = codec.write(storage, backupId, key, new ByteArrayInputStream(buf, 0, n), n, progress::bytes);
          written.put(key, true);
          return o;
        } finally {
          keep(buf);
          inFlightBuffers.release();
        }
      });
      pending.add(new Pending(path, index++, f, false, -1));
      if (n < want) {
        break;
      }
    }
    return total;
  }

  /** Keeps a full part's buffer for the next part; a smaller one is left to the garbage collector. */
  private void keep(byte[] buf) {
    if (buf.length == partSize || buf.length == DELTA_PART) {
      spareBuffers.add(buf);
    }
  }

  /** A kept part buffer of at least {@code size} bytes, or a new one of that size. */
  private byte[] spareBuffer(int size) {
    for (java.util.Iterator<byte[]> it = spareBuffers.iterator(); it.hasNext();) {
      byte[] b = it.next();
      if (b.length >= size && spareBuffers.remove(b)) {
        return b;
      }
    }
    return new byte[size];
  }

  /** Waits until every part scheduled so far is stored; throws (after aborting) on the first failure. */
  public void awaitAll() {
    List<Pending> all;
    synchronized (pending) {
      all = new ArrayList<>(pending);
    }
    for (Pending p : all) {
      try {
        p.future().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("was interrupted", e);
      } catch (ExecutionException e) {
        throw failure("failed", e.getCause());
      }
    }
  }

  /**
   * Waits for every part and returns the files, sorted by path.
   *
   * @return the file entries
   */
  public List<Manifest.FileEntry> finish() {
    Map<String, List<StoredObject>> byPath = new TreeMap<>();
    List<Pending> all;
    synchronized (pending) {
      all = new ArrayList<>(pending);
    }
    for (Pending p : all) {
      StoredObject o;
      try {
        o = p.future().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("was interrupted", e);
      } catch (ExecutionException e) {
        throw failure("failed", e.getCause());
      }
      byPath.computeIfAbsent(p.path(), k -> new ArrayList<>());
      if (o != null) {
        byPath.get(p.path()).add(o);
      }
    }
    List<Manifest.FileEntry> files = new ArrayList<>();
    for (Map.Entry<String, List<StoredObject>> e : byPath.entrySet()) {
      if (vanished.containsKey(e.getKey())) {
        for (StoredObject o : e.getValue()) {
          if (ObjectKeys.isDataObjectOf(backupId, o.key())) {
            deleteQuietly(o.key());
          }
        }
        continue;
      }
      long size = e.getValue().stream().mapToLong(StoredObject::size).sum();
      files.add(new Manifest.FileEntry(e.getKey(), size, List.copyOf(e.getValue()),
          modes.getOrDefault(e.getKey(), Manifest.modeText(Manifest.DEFAULT_MODE))));
    }
    return files;
  }

  /**
   * Makes every object written so far durable (a local directory's files and directories flushed to
   * disk; an object store's objects are durable when written). Call before the manifest is written.
   *
   * @throws IOException when the storage cannot flush
   */
  public void flush() throws IOException {
    if (storage instanceof LocalDirectoryStorage.Deferred deferred) {
      deferred.flush();
    }
  }

  /** Finds the object an earlier backup stored for the same bytes of a file. */
  @FunctionalInterface
  public interface PartReuse {
    /**
     * Returns the earlier object holding exactly these bytes, or {@code null} to store them.
     *
     * @param file the open file
     * @param offset where the part starts
     * @param length its length
     * @return the earlier object, or {@code null}
     * @throws IOException when the file cannot be read
     */
    StoredObject find(FileChannel file, long offset, long length) throws IOException;
  }

  /** Finds the object an earlier backup stored for the same bytes of a streamed file. */
  @FunctionalInterface
  public interface BufferReuse {
    /**
     * Returns the earlier object holding exactly these bytes, or {@code null} to store them.
     *
     * @param offset where the part starts in its file
     * @param bytes a buffer starting with the part's bytes
     * @param length the part's length
     * @return the earlier object, or {@code null}
     */
    StoredObject find(long offset, byte[] bytes, int length);
  }

  private BackupException failure(String what, Throwable cause) {
    abort();
    if (cause instanceof BackupException be) {
      return be;
    }
    if (isDiskFull(cause)) {
      return new BackupException(ErrorCode.DISK_FULL,
          "Backup " + backupId + " stopped: the repository's filesystem (" + storage.describe()
              + ") is full. The partial backup was removed; free space or choose another repository.",
          backupId, null, cause);
    }
    return new BackupException(ErrorCode.IO_ERROR,
        "Backup " + backupId + " " + what + " while writing to " + storage.describe() + ": " + Redaction.text(cause)
            + ". The partial backup was removed.", backupId, null, Redaction.cause(cause));
  }

  /** Returns a file's permission bits as the manifest records them; 0600 where they cannot be read. */
  private static String modeOf(Path file) {
    try {
      int bits = 0;
      for (java.nio.file.attribute.PosixFilePermission p : java.nio.file.Files.getPosixFilePermissions(file)) {
        bits |= 1 << (8 - p.ordinal());
      }
      return Manifest.modeText(bits);
    } catch (IOException | UnsupportedOperationException e) {
      // a file that vanished is left out anyway; a non-POSIX source gets the private default
      return Manifest.modeText(Manifest.DEFAULT_MODE);
    }
  }

  /** Returns whether an exception, or one of its causes, reports a full filesystem. */
  public static boolean isDiskFull(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c instanceof FileSystemException fse ? fse.getReason() : c.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** Cancels pending parts and deletes every object written so far. */
  public void abort() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      for (String k : storage.list(prefix(backupId) + "data/")) {
        deleteQuietly(k);
      }
    } catch (IOException e) {
      for (String k : written.keySet()) {
        deleteQuietly(k);
      }
    }
  }

  private void deleteQuietly(String key) {
    try {
      storage.delete(key);
    } catch (IOException ignored) {
      // left for prune, which removes objects of backups without a manifest
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
