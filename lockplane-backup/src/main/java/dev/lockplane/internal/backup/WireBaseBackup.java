package dev.lockplane.internal.backup;

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
 * One {@code BASE_BACKUP} on a {@link PgWire} connection (PostgreSQL 15+ protocol: one copy stream
 * whose messages say what they carry). The server's answer is read on a thread of its own and
 * handed over through a bounded queue: the data directory's tar archive as a stream, then the
 * backup manifest (whose WAL ranges give the start and end positions). A cluster with tablespaces outside its data directory
 * (a second archive) is refused.
 */
final class WireBaseBackup implements AutoCloseable {
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

  private WireBaseBackup(PgWire wire, String command) {
    this.wire = wire;
    this.reader = new Thread(() -> run(command), "lockplane-base-backup-reader");
    reader.setDaemon(true);
  }

  /**
   * Sends the command and starts reading its answer.
   *
   * @param wire the connection, in replication mode
   * @param command the {@code BASE_BACKUP} command
   * @return the backup being received
   */
  static WireBaseBackup start(PgWire wire, String command) {
    WireBaseBackup b = new WireBaseBackup(wire, command);
    b.reader.start();
    return b;
  }

  private void run(String command) {
    try {
      wire.execute(command, new PgWire.Listener() {
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
      // wakes a consumer still waiting for data
      chunks.offer(END);
    }
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
  InputStream archive() {
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
  byte[] finish() throws IOException {
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

  /** Stops reading: the connection is closed, so the server ends the backup. */
  @Override
  public void close() {
    if (reader.isAlive()) {
      cancelled = true;
      wire.close();
      try {
        reader.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
