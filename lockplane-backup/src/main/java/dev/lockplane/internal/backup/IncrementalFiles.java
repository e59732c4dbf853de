package dev.lockplane.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, file by file, what an incremental physical backup stores. A file whose content is the
 * parent's (compared part by part: a SHA-256 computed while reading against the parent's manifest)
 * refers to the parent's objects. On PostgreSQL 17+ with WAL summaries covering the parent's start
 * to this backup's start, a relation file stores only its changed blocks as a delta over the
 * parent's file. Everything read after the backup started is made consistent by WAL replay from
 * this backup's start, exactly as for a full backup.
 */
public final class IncrementalFiles {
  /** Where the writer keeps a file's delta objects until {@link #assemble} attaches them to the file. */
  private static final String DELTA = ".lockplane-delta/";
  private static final Pattern RELATION = Pattern.compile("(?:base/(\\d+)|global)/(\\d+)(?:_(fsm|vm|init))?(?:\\.(\\d+))?");
  private static final long DEFAULT_TABLESPACE = 1663;
  private static final long GLOBAL_TABLESPACE = 1664;

  private final RepositoryEngine engine;
  private final String parentId;
  private Manifest parent;
  private java.util.concurrent.Future<IncrementalChain.Candidate> prefetch;
  private Map<String, Manifest.FileEntry> parentFiles = Map.of();
  private DataWriter writer;
  private WalSummaries.Changes changes;
  private String method = "file";
  private String note;
  private final Map<String, Manifest.FileEntry> referenced = new ConcurrentHashMap<>();
  private final Map<String, Manifest.BlockDelta> deltas = new ConcurrentHashMap<>();

  /**
   * Prepares an incremental backup.
   *
   * @param engine the repository
   * @param parentId the parent, or {@code null} for the latest physical backup of the same cluster
   */
  public IncrementalFiles(RepositoryEngine engine, String parentId) {
    this.engine = engine;
    this.parentId = parentId;
  }

  /**
   * Starts reading the likely parent and checking its objects on another thread, while the backup
   * connects to the server; {@link #resolve} waits for it.
   */
  public void prefetch() {
    java.util.concurrent.FutureTask<IncrementalChain.Candidate> task =
        new java.util.concurrent.FutureTask<>(() -> IncrementalChain.candidate(engine, parentId));
    Thread t = new Thread(task, "lockplane-backup-parent");
    t.setDaemon(true);
    t.start();
    prefetch = task;
  }

  /**
   * Finds and checks the parent, before the backup starts on the server.
   *
   * @param systemIdentifier the cluster's system identifier
   * @param major the server's major version
   * @param backupId the new backup's id
   * @param writer the data writer
   */
  public void resolve(String systemIdentifier, int major, String backupId, DataWriter writer) {
    IncrementalChain.Candidate candidate = null;
    if (prefetch != null) {
      try {
        candidate = prefetch.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        // read again below, where a failure is reported
      }
    }
    this.parent = IncrementalChain.parentFor(engine, parentId, systemIdentifier, major, backupId, candidate);
    this.writer = writer;
    Map<String, Manifest.FileEntry> byPath = new HashMap<>();
    parent.files().forEach(f -> byPath.put(f.path(), f));
    this.parentFiles = byPath;
  }

  /**
   * Chooses the method once the backup started: block level where WAL summaries cover the parent's
   * start to this backup's start, file level otherwise (and the manifest says why).
   *
   * @param c the backup's connection
   * @param major the server's major version
   * @param startLsn this backup's start
   * @param timeline this backup's timeline
   * @throws SQLException when querying the summaries fails
   */
  public void started(Connection c, int major, String startLsn, int timeline) throws SQLException {
    if (major < 17) {
      return;
    }
    StringBuilder why = new StringBuilder();
    if (parent.timeline() == null || parent.timeline() != timeline) {
      why.append("the timeline changed since the parent (").append(parent.timeline()).append(" to ").append(timeline).append(")");
    } else {
      changes = WalSummaries.read(c, timeline, parent.startWal(), startLsn, why);
    }
    if (changes != null) {
      method = "block";
    } else {
      note = "block level was not possible: " + why;
    }
  }

  /**
   * Runs {@link #started} on another thread, so that the WAL summarizer catches up while the files
   * block level does not cover are listed and read. The connection is the other thread's until
   * {@link Started#await} or {@link Started#close} returns.
   *
   * @param c the backup's connection
   * @param major the server's major version
   * @param startLsn this backup's start
   * @param timeline this backup's timeline
   * @return the running choice
   */
  public Started startedInBackground(Connection c, int major, String startLsn, int timeline) {
    java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(() -> {
      started(c, major, startLsn, timeline);
      return null;
    });
    Thread t = new Thread(task, "lockplane-backup-summaries");
    t.setDaemon(true);
    t.start();
    return new Started(task, t);
  }

  /** {@link #started} running on another thread. */
  public static final class Started implements AutoCloseable {
    private final java.util.concurrent.Future<Void> task;
    private final Thread thread;

    private Started(java.util.concurrent.Future<Void> task, Thread thread) {
      this.task = task;
      this.thread = thread;
    }

    /**
     * Waits for the method to be chosen.
     *
     * @throws SQLException when querying the summaries failed
     */
    public void await() throws SQLException {
      try {
        task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new SQLException("interrupted while waiting for the WAL summarizer");
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof SQLException sql) {
          throw sql;
        }
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }

    /**
     * Ends the wait for the summarizer if it still runs (the backup is failing) and waits until the
     * other thread no longer uses the connection.
     */
    @Override
    public void close() {
      if (!task.isDone()) {
        // a query in progress finishes; the polling between queries stops
        thread.interrupt();
      }
      boolean interrupted = false;
      while (true) {
        try {
          task.get();
          break;
        } catch (InterruptedException e) {
          // the other thread stops at its next poll; the connection must be free before this returns
          interrupted = true;
        } catch (java.util.concurrent.ExecutionException e) {
          break;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Returns the parent's copy of PostgreSQL's own {@code backup_manifest}, which a server asked for
   * an incremental base backup needs ({@code UPLOAD_MANIFEST}): only a backup taken over replication
   * holds one.
   *
   * @return its bytes, or {@code null} when the parent has none
   * @throws IOException when reading it fails
   */
  public byte[] parentServerManifest() throws IOException {
    Manifest.FileEntry f = parentFiles.get("backup_manifest");
    if (f == null || f.hasDeltas()) {
      return null;
    }
    ObjectCodec codec = engine.codecFor(parent);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (StoredObject o : f.parts()) {
      try (InputStream in = codec.read(engine.storage(), ObjectKeys.ownerOf(o.key(), parent.id()), o)) {
        in.transferTo(out);
      }
    }
    return out.toByteArray();
  }

  /**
   * Records that the server sends this backup's relation files as its own incremental files
   * (PostgreSQL 17+ over replication, from its WAL summaries), or why it does not.
   *
   * @param why {@code null} when it does, else why not
   */
  public void serverIncremental(String why) {
    if (why == null) {
      method = "block";
      note = null;
    } else {
      note = "block level was not possible: " + why;
    }
  }

  /**
   * Adds a file the server sent as a PostgreSQL incremental file ({@code INCREMENTAL.<name>}: magic
   * number, block count, truncation length, block numbers, padding to a block, then the blocks),
   * stored as a block delta over the parent's file. Blocks at or past the truncation length that the
   * parent has and the server did not send are stored as zeros, as PostgreSQL reconstructs them.
   *
   * @param path the file's path, without the {@code INCREMENTAL.} prefix
   * @param in the incremental file's content
   * @param blockSize the server's block size
   * @throws IOException when the content is not an incremental file or the parent lacks the file
   */
  public void addServerIncremental(String path, InputStream in, int blockSize) throws IOException {
    Manifest.FileEntry before = parentFiles.get(path);
    if (before == null) {
      throw new IOException("the server sent the changed blocks of " + path + ", which parent " + parent.id()
          + " does not hold");
    }
    java.io.DataInputStream d = new java.io.DataInputStream(in);
    int magic = d.readInt();
    boolean little;
    if (magic == Integer.reverseBytes(PG_INCREMENTAL_MAGIC)) {
      little = true;
    } else if (magic == PG_INCREMENTAL_MAGIC) {
      little = false;
    } else {
      throw new IOException("the server's incremental file for " + path + " does not start with its magic number");
    }
    long count = Integer.toUnsignedLong(order(d.readInt(), little));
    long truncation = Integer.toUnsignedLong(order(d.readInt(), little));
    if (count > (1L << 31) / blockSize) {
      throw new IOException("the server's incremental file for " + path + " names " + count + " blocks");
    }
    long[] sent = new long[(int) count];
    for (int i = 0; i < count; i++) {
      sent[i] = Integer.toUnsignedLong(order(d.readInt(), little));
      if (i > 0 && sent[i] <= sent[i - 1]) {
        throw new IOException("the server's incremental file for " + path + " lists its blocks out of order");
      }
    }
    long header = 12 + 4 * count;
    if (count > 0 && header % blockSize != 0) {
      d.skipNBytes(blockSize - header % blockSize);
    }
    ServerDelta delta = serverDelta(sent, truncation, before.size() / blockSize);
    long[] list = delta.blocks();
    long size = delta.length() * blockSize;
    if (list.length == 0 && size == before.size() && before.size() % blockSize == 0) {
      referenced.put(path, before);
      return;
    }
    writer.addDelta(DELTA + path, BlockDeltas.records(list, blockSize, (block, into, offset) -> {
      if (java.util.Arrays.binarySearch(sent, block) >= 0) {
        d.readFully(into, offset, blockSize);
      } else {
        java.util.Arrays.fill(into, offset, offset + blockSize, (byte) 0);
      }
    }), BlockDeltas.length(list.length, blockSize));
    deltas.put(path, new Manifest.BlockDelta(size, blockSize, list.length, List.of()));
  }

  private static final int PG_INCREMENTAL_MAGIC = 0xd3ae1f0d;

  /**
   * A server's incremental file as a block delta over the parent's file.
   *
   * @param length the file's length in blocks
   * @param blocks the blocks the delta holds, ascending
   */
  record ServerDelta(long length, long[] blocks) {}

  /**
   * Converts what a server's incremental file says into a block delta, reconstructing the file as
   * {@code pg_combinebackup} does: its length is the truncation length or one past the last block
   * sent, whichever is larger; a block sent is the server's; a block before the truncation length
   * that was not sent is the parent's; any other block is zeros. A restore gives the parent's file
   * the new length (cut, or extended with zeros) and writes the delta's blocks, so the delta holds
   * the blocks sent plus, as zeros, the parent's blocks at or past the truncation length.
   *
   * @param sent the blocks the server sent, ascending
   * @param truncation the truncation length in blocks
   * @param parentBlocks the parent's file length in blocks
   * @return the delta
   */
  static ServerDelta serverDelta(long[] sent, long truncation, long parentBlocks) {
    long length = Math.max(truncation, sent.length == 0 ? 0 : sent[sent.length - 1] + 1);
    TreeSet<Long> all = new TreeSet<>();
    for (long b : sent) {
      all.add(b);
    }
    for (long b = truncation; b < Math.min(parentBlocks, length); b++) {
      all.add(b);
    }
    return new ServerDelta(length, all.stream().mapToLong(Long::longValue).toArray());
  }

  private static int order(int v, boolean little) {
    return little ? Integer.reverseBytes(v) : v;
  }

  /**
   * Adds one file of the data directory.
   *
   * @param path the manifest path
   * @param file the file
   * @param size its size when listed
   * @throws IOException when reading a delta fails
   */
  public void add(String path, Path file, long size) throws IOException {
    Manifest.FileEntry before = parentFiles.get(path);
    if (before != null && changes != null && addBlocks(path, file, size, before)) {
      return;
    }
    writer.addFile(path, file, size, true, file, before == null || before.hasDeltas() ? null : reuse(before));
  }

  /**
   * Adds one file of the data directory read from a stream (a server reached over replication sends
   * every file): parts whose bytes are the parent's, by SHA-256 at the same offset, refer to the
   * parent's objects and only the others are stored.
   *
   * @param path the manifest path
   * @param in the file's content
   * @throws IOException when reading fails
   */
  public void addStream(String path, InputStream in) throws IOException {
    Manifest.FileEntry before = parentFiles.get(path);
    writer.addStream(path, in, before == null || before.hasDeltas() ? null : streamReuse(before));
  }

  /**
   * Whether block level may cover a file (a relation's main, visibility map or init fork): such a
   * file waits for the WAL summaries; any other file can be added before {@link #started}.
   *
   * @param path the manifest path
   * @return whether the file is a relation fork that block level covers
   */
  public boolean waitsForSummaries(String path) {
    Matcher m = RELATION.matcher(path);
    return m.matches() && !"fsm".equals(m.group(3));
  }

  /** Stores a relation file's changed blocks; returns false when the file is not one that block level covers. */
  private boolean addBlocks(String path, Path file, long size, Manifest.FileEntry before) throws IOException {
    Matcher m = RELATION.matcher(path);
    int bs = changes.blockSize();
    if (!m.matches() || "fsm".equals(m.group(3)) || size % bs != 0 || before.size() % bs != 0) {
      // the free space map is not WAL-logged in full: PostgreSQL's own incremental backups copy it whole too
      return false;
    }
    long tablespace = m.group(1) == null ? GLOBAL_TABLESPACE : DEFAULT_TABLESPACE;
    long database = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    int fork = m.group(3) == null ? 0 : m.group(3).equals("vm") ? 2 : 3;
    long segment = m.group(4) == null ? 0 : Long.parseLong(m.group(4));
    long first = segment * changes.segmentBlocks();
    WalSummaries.Changed changed = changes.forks().get(new WalSummaries.Fork(tablespace, database, Long.parseLong(m.group(2)), fork));
    long blocksNow = size / bs;
    // every block at or past a limit (truncation, creation) or past the parent's end is read again
    long fresh = before.size() / bs;
    TreeSet<Long> blocks = new TreeSet<>();
    if (changed != null) {
      if (changed.limit != Long.MAX_VALUE) {
        fresh = Math.min(fresh, Math.max(0, changed.limit - first));
      }
      for (long b : changed.blocks.subSet(first, first + changes.segmentBlocks())) {
        if (b - first < blocksNow) {
          blocks.add(b - first);
        }
      }
    }
    for (long b = fresh; b < blocksNow; b++) {
      blocks.add(b);
    }
    if (blocks.isEmpty() && size == before.size()) {
      referenced.put(path, before);
      return true;
    }
    long[] list = blocks.stream().mapToLong(Long::longValue).toArray();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      writer.addDelta(DELTA + path, BlockDeltas.stream(ch, bs, list), BlockDeltas.length(list.length, bs));
    } catch (NoSuchFileException e) {
      // dropped while the backup ran: WAL replay drops it too
      return true;
    }
    deltas.put(path, new Manifest.BlockDelta(size, bs, list.length, List.of()));
    return true;
  }

  /**
   * The parent's row count of a table whose heap no write touched between the parent's start and
   * this backup's start, as the WAL summaries show; {@code null} to count it. Only at block level:
   * without summaries nothing says the table is unchanged. A table rewritten or created since has a
   * file the summaries name (new blocks, or its creation), so it is counted again. Like every
   * recorded count, it is exact when no transaction was writing to the table while the parent ran.
   *
   * @param table {@code database.schema.table}
   * @param file where its heap is stored now
   * @return the parent's count, or {@code null}
   */
  public Long unchangedCount(String table, TableStats.RelationFile file) {
    if (changes == null || file == null || file.relfilenode() == 0) {
      return null;
    }
    Manifest.TableInfo before = parent.tables().get(table);
    if (before == null || !before.counted()
        || changes.forks().containsKey(new WalSummaries.Fork(file.tablespace(), file.database(), file.relfilenode(), 0))) {
      return null;
    }
    return before.rows();
  }

  /** The parent's objects of a file by the offset where each starts. */
  private static Map<Long, StoredObject> byOffset(Manifest.FileEntry before) {
    Map<Long, StoredObject> byOffset = new HashMap<>();
    long offset = 0;
    for (StoredObject o : before.parts()) {
      byOffset.put(offset, o);
      offset += o.size();
    }
    return byOffset;
  }

  /** Finds, for a streamed part of a file, the parent's object holding the same bytes at the same offset. */
  private static DataWriter.BufferReuse streamReuse(Manifest.FileEntry before) {
    Map<Long, StoredObject> byOffset = byOffset(before);
    return (at, bytes, length) -> {
      StoredObject o = byOffset.get(at);
      if (o == null || o.size() != length) {
        return null;
      }
      MessageDigest sha = ObjectCodec.sha256();
      sha.update(bytes, 0, length);
      return ObjectCodec.hex(sha.digest()).equals(o.sha256()) ? o : null;
    };
  }

  /** Finds, for a part of a file, the parent's object holding the same bytes at the same offset. */
  private static DataWriter.PartReuse reuse(Manifest.FileEntry before) {
    Map<Long, StoredObject> byOffset = byOffset(before);
    return (ch, at, length) -> {
      StoredObject o = byOffset.get(at);
      if (o == null || o.size() != length) {
        return null;
      }
      MessageDigest sha = ObjectCodec.sha256();
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(256 * 1024, Math.max(1, length)));
      long done = 0;
      while (done < length) {
        buf.clear().limit((int) Math.min(buf.capacity(), length - done));
        int n = ch.read(buf, at + done);
        if (n < 0) {
          return null;
        }
        sha.update(buf.array(), 0, n);
        done += n;
      }
      return ObjectCodec.hex(sha.digest()).equals(o.sha256()) ? o : null;
    };
  }

  /** Returns what the manifest records about this incremental. */
  public Manifest.IncrementalInfo info() {
    List<String> chain = new ArrayList<>();
    chain.add(parent.id());
    chain.addAll(parent.chain());
    return new Manifest.IncrementalInfo(List.copyOf(chain), method, note);
  }

  /** Returns the parent's id. */
  public String parentId() {
    return parent.id();
  }

  /**
   * Completes the writer's files: attaches each delta to the parent's file it applies to, and adds
   * the files referenced whole.
   *
   * @param written the writer's files
   * @return the manifest's files, sorted by path
   */
  public List<Manifest.FileEntry> assemble(List<Manifest.FileEntry> written) {
    Map<String, Manifest.FileEntry> out = new TreeMap<>(referenced);
    for (Manifest.FileEntry f : written) {
      if (!f.path().startsWith(DELTA)) {
        out.put(f.path(), f);
        continue;
      }
      String path = f.path().substring(DELTA.length());
      Manifest.FileEntry before = parentFiles.get(path);
      Manifest.BlockDelta d = deltas.get(path);
      List<Manifest.BlockDelta> chain = new ArrayList<>(before.hasDeltas() ? before.deltas() : List.of());
      chain.add(new Manifest.BlockDelta(d.size(), d.blockSize(), d.blocks(), f.parts()));
      out.put(path, new Manifest.FileEntry(path, d.size(), before.parts(), before.mode(), List.copyOf(chain)));
    }
    return new ArrayList<>(out.values());
  }
}
