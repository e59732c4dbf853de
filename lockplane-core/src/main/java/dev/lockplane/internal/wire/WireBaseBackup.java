package dev.lockplane.internal.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code BASE_BACKUP} on a {@link PgWire} connection. The server's answer is read on a thread
 * of its own and handed over through a bounded queue: the data directory's tar archive as a
 * stream, then the backup manifest (whose WAL ranges give the start and end positions). A cluster
 * with tablespaces outside its data directory (a second archive) is refused.
 *
 * <p>PostgreSQL 15+ sends one copy stream whose messages say what they carry ({@code n} new
 * archive, {@code d} data, {@code m} manifest, {@code p} progress). PostgreSQL 13–14 send a result
 * set listing the tablespaces (the data directory last), one copy stream of raw tar data per
 * tablespace, without the archive's two closing blocks, then one copy stream of the manifest.
 */
public final class WireBaseBackup implements AutoCloseable {
  private static final byte[] END = new byte[0];

  private final PgWire wire;
  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(256);
  private final ByteArrayOutputStream manifest = new ByteArrayOutputStream();
  private final Thread reader;
  private volatile boolean cancelled;
  private volatile IOException failure;
  /** Whether the server sent the end position (its last result set, after the copy stream). */
  private volatile boolean ended;
  private volatile boolean done;
  /** Whether the reader is through with the connection (the answer ended, or failed). */
  private volatile boolean answered;

  private WireBaseBackup(PgWire wire, String command, boolean legacy) {
    this.wire = wire;
    this.reader = new Thread(() -> run(command, legacy), "lockplane-base-backup-reader");
    reader.setDaemon(true);
  }

  /**
   * Sends the command and starts reading its answer.
   *
   * @param wire the connection, in replication mode
   * @param command the {@code BASE_BACKUP} command
   * @param legacy whether the server answers as PostgreSQL 13–14 do
   * @return the backup being received
   */
  public static WireBaseBackup start(PgWire wire, String command, boolean legacy) {
    WireBaseBackup b = new WireBaseBackup(wire, command, legacy);
    b.reader.start();
    return b;
  }

  /**
   * The {@code BASE_BACKUP} command: immediate checkpoint, the WAL in the archive, no wait for WAL
   * archiving, a manifest; on PostgreSQL 17+ optionally incremental (after {@code UPLOAD_MANIFEST}).
   *
   * @param label the backup label
   * @param major the server's major version, 13 or later
   * @param incremental whether to ask for an incremental backup
   * @return the command
   */
  public static String command(String label, int major, boolean incremental) {
    String quoted = "'" + label.replace("'", "''") + "'";
    if (major < 15) {
      return "BASE_BACKUP LABEL " + quoted + " FAST WAL NOWAIT MANIFEST 'yes'";
    }
    return "BASE_BACKUP (LABEL " + quoted + ", CHECKPOINT 'fast', WAL true, WAIT false, MANIFEST 'yes'"
        + (incremental ? ", INCREMENTAL" : "") + ")";
  }

  /**
   * Creates the replication slot that keeps the WAL a base backup needs, from before its checkpoint
   * to its end, from being recycled while the files arrive: a temporary one goes with the connection.
   *
   * @param wire the connection, in replication mode
   * @param major the server's major version, 13 or later
   * @param name the slot's name
   * @param temporary whether the slot goes when the connection closes
   * @throws IOException when the server refuses (a slot of that name exists, no free slot)
   */
  public static void createSlot(PgWire wire, int major, String name, boolean temporary) throws IOException {
    wire.query("CREATE_REPLICATION_SLOT " + name + (temporary ? " TEMPORARY" : "") + " PHYSICAL "
        + (major >= 15 ? "(RESERVE_WAL)" : "RESERVE_WAL"));
  }

  /**
   * A new name for a temporary slot: the prefix and 12 random hexadecimal digits.
   *
   * @param prefix such as {@code lockplane_backup_}
   * @return the name
   */
  public static String temporarySlotName(String prefix) {
    return prefix + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * The path an entry of a base backup's archive names, relative to the data directory: without
   * a leading {@code ./} or a trailing {@code /}; empty for the directory itself.
   *
   * @param raw the entry's name as the archive holds it
   * @return the path
   */
  public static String entryPath(String raw) {
    String name = raw;
    while (name.startsWith("./")) {
      name = name.substring(2);
    }
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  private void run(String command, boolean legacy) {
    try {
      wire.execute(command, legacy ? legacyListener() : new PgWire.Listener() {
        private int archives;
        private boolean inManifest;

        @Override
        public void row(List<String> values) {
          // the start position and the tablespaces come before the first archive, the end position after
          if (archives > 0) {
            ended = true;
          }
        }

        @Override
        public void copyData(byte[] data, int length) throws IOException {
          if (length == 0) {
            return;
          }
          switch (data[0]) {
            case 'n' -> {
              if (++archives > 1) {
                throw new IOException("the cluster has tablespaces outside its data directory; physical backups of "
                    + "such clusters are not supported yet (use a logical backup)");
              }
            }
            case 'm' -> {
              inManifest = true;
              put(END);
            }
            case 'd' -> {
              if (inManifest) {
                manifest.write(data, 1, length - 1);
              } else {
                put(java.util.Arrays.copyOfRange(data, 1, length));
              }
            }
            default -> {
              // 'p': progress, counted by the writer instead
            }
          }
        }

        @Override
        public void copyDone() throws IOException {
          if (!inManifest) {
            put(END);
          }
        }
      });
      done = true;
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new IOException(e.toString(), e);
    } finally {
      // the connection is no longer read: after a server error it is ready for the next command
      answered = true;
      // wakes a consumer still waiting for data
      chunks.offer(END);
    }
  }

  /** Reads the answer of PostgreSQL 13–14: result sets, then one raw copy stream per archive, then the manifest's. */
  private PgWire.Listener legacyListener() {
    return new PgWire.Listener() {
      private int resultSets;
      private int tablespaceRows;
      private int streams;

      @Override
      public void columns(List<String> names) {
        resultSets++;
      }

      @Override
      public void row(List<String> values) throws IOException {
        if (resultSets == 2 && ++tablespaceRows > 1) {
          throw new IOException("the cluster has tablespaces outside its data directory; physical backups of "
              + "such clusters are not supported yet (use a logical backup)");
        }
        if (streams > 0) {
          ended = true;
        }
      }

      @Override
      public void copyOut() {
        streams++;
      }

      @Override
      public void copyData(byte[] data, int length) throws IOException {
        if (streams == 1) {
          put(java.util.Arrays.copyOf(data, length));
        } else {
          manifest.write(data, 0, length);
        }
      }

      @Override
      public void copyDone() throws IOException {
        if (streams == 1) {
          // the server leaves out the archive's end: two blocks of zeros
          put(new byte[1024]);
          put(END);
        }
      }
    };
  }

  private void put(byte[] chunk) throws IOException {
    try {
      while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        if (cancelled) {
          throw new InterruptedIOException("the base backup was cancelled");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /**
   * Returns the data directory's tar archive, to read once. It ends where the archive ends; a
   * server error is thrown from its reads.
   */
  public InputStream archive() {
    return new ChunkInputStream() {
      @Override
      protected ByteBuffer next() throws IOException {
        while (true) {
          byte[] next;
          try {
            next = chunks.poll(100, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while receiving the base backup");
          }
          if (next == null) {
            // a reader that failed while the queue was full could not queue its end
            if (reader.isAlive() || !chunks.isEmpty()) {
              continue;
            }
            next = END;
          }
          if (next == END) {
            if (failure != null) {
              throw failure;
            }
            return null;
          }
          return ByteBuffer.wrap(next);
        }
      }
    };
  }

  /**
   * Waits for the end of the answer and returns the backup manifest.
   *
   * @return PostgreSQL's {@code backup_manifest}
   * @throws IOException what the server or the connection failed with
   */
  public byte[] finish() throws IOException {
    // whatever the consumer left of the archive is read and dropped
    while (true) {
      try {
        reader.join(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while receiving the base backup");
      }
      if (!reader.isAlive()) {
        break;
      }
      chunks.poll();
    }
    if (failure != null) {
      throw failure;
    }
    if (!done || !ended) {
      throw new IOException("the server ended the base backup without its end position");
    }
    return manifest.toByteArray();
  }

  /**
   * Stops reading: while the answer still arrives the connection is closed, so the server ends the
   * backup; once it has ended (a server error included) the connection stays open for a next command.
   */
  @Override
  public void close() {
    if (reader.isAlive()) {
      if (!answered) {
        cancelled = true;
        wire.close();
      }
      try {
        reader.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
