package dev.lockplane.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * One restored file whose parts are decoded on several threads and written in order. A large
 * relation file is one entry of many parts: decoding (decryption, decompression, two SHA-256) is
 * the work, so its parts are decoded in parallel; writing stays sequential because positioned
 * writes from several threads into one new file were measured far slower than appending.
 *
 * <p>The part whose turn it is streams straight into the file. A part that is ahead decodes into
 * memory, taken from a budget shared by the whole restore, and writes once the parts before it
 * are written; when the budget is spent it waits for its turn instead, so memory stays bounded
 * whatever the part size. Waiting never deadlocks: parts are queued in order on a FIFO pool, so
 * the part waited for was taken by a thread before the part waiting.
 */
final class FileAssembly {
  /** Thrown to a part whose file already failed: the earlier part's error is the one reported. */
  static final class Abandoned extends IOException {
    private static final long serialVersionUID = 1L;

    Abandoned(Path p) {
      super("an earlier part of " + p + " failed");
    }
  }

  /**
   * What one restore's parts share: the decoded bytes that parts waiting for their turn may hold in
   * memory (in MiB), and the 1 MiB buffers they decode into, handed from part to part. Fresh
   * buffers for every part ahead of its turn came to about half of a cluster's bytes per restore
   * (590 MB of 1.16 GB) and grew the heap to some 3 GB, each new page a fault.
   */
  static final class Budget {
    private final Semaphore mib;
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> buffers = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Budget() {
      long limit = Math.min(256, Runtime.getRuntime().maxMemory() / 4 >> 20);
      this.mib = new Semaphore((int) Math.max(0, limit));
    }

    /** A buffer of {@code size} bytes: a kept one when it is a full chunk. */
    byte[] take(int size) {
      if (size == ObjectCodec.IO_CHUNK) {
        byte[] b = buffers.poll();
        if (b != null) {
          return b;
        }
      }
      return new byte[size];
    }

    /** Hands back a buffer whose bytes are written; only full chunks are kept. */
    void give(byte[] b) {
      if (b.length == ObjectCodec.IO_CHUNK) {
        buffers.add(b);
      }
    }
  }

  /** A new budget for one restore. */
  static Budget budget() {
    return new Budget();
  }

  private final Path path;
  private final int parts;
  private OutputStream out;
  private int written;
  private boolean created;
  private boolean failed;

  FileAssembly(Path path, int parts) {
    this.path = path;
    this.parts = parts;
  }

  /** Returns the file this assembles. */
  Path path() {
    return path;
  }

  /**
   * Decodes part {@code index} from {@code in} and appends it to the file after the parts before it.
   *
   * @param in the part's checked plaintext; read to its end so its digests are checked
   * @param index the part's position in the file
   * @param size the part's plaintext size, to reserve memory when it must wait
   * @param budget the restore's memory budget and buffers
   * @param progress receives the bytes as they are written
   * @return whether this was the file's last part
   */
  boolean append(InputStream in, int index, long size, Budget budget, ProgressTracker progress)
      throws IOException, InterruptedException {
    int permits = (int) Math.min(Integer.MAX_VALUE, (size + (1 << 20) - 1) >> 20);
    boolean reserved = false;
    if (!isTurn(index)) {
      reserved = budget.mib.tryAcquire(permits);
      if (!reserved) {
        awaitTurn(index);
      }
    }
    List<byte[]> pending = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    byte[] buf = null;
    try {
      boolean streaming = false;
      // one byte more than a small part holds, so the read that fills less reaches the end and its check
      int chunk = (int) Math.min(ObjectCodec.IO_CHUNK, size + 1);
      while (true) {
        if (buf == null) {
          buf = budget.take(chunk);
        }
        int n = in.readNBytes(buf, 0, chunk);
        if (!streaming && isTurn(index)) {
          streaming = true;
          flush(pending, lengths, budget, progress);
        }
        if (n > 0) {
          if (streaming) {
            write(buf, n, progress);
          } else {
            // kept until its turn: the next chunk needs a buffer of its own
            pending.add(buf);
            lengths.add(n);
            buf = null;
          }
        }
        if (n < chunk) {
          break;
        }
      }
      if (!streaming) {
        awaitTurn(index);
        flush(pending, lengths, budget, progress);
      }
    } finally {
      // the buffer being filled, written or empty; pending ones go back when written
      if (buf != null) {
        budget.give(buf);
      }
      if (reserved) {
        budget.mib.release(permits);
      }
    }
    boolean last = index == parts - 1;
    if (last) {
      currentOut().close();
    }
    passTurn(index);
    return last;
  }

  /**
   * Creates the (empty) file, mode 0600. One thread creates a restore's files, in order and ahead of
   * their parts: creating a file takes its directory's lock, and on ext4 it can take long (without a
   * journal it scans past recently deleted inodes), so parts creating their own files spun on each
   * other's lock, up to a quarter of a restore's CPU time.
   *
   * @throws Abandoned when the file already failed
   */
  void create() throws IOException {
    synchronized (this) {
      if (failed) {
        throw new Abandoned(path);
      }
    }
    LocalDirectoryStorage.createPrivateDirectories(path.getParent());
    Restorer.newPrivateFile(path).close();
    synchronized (this) {
      created = true;
      notifyAll();
    }
  }

  /** Waits until the file is created. */
  synchronized void awaitCreated() throws InterruptedException, Abandoned {
    while (!failed && !created) {
      wait();
    }
    if (failed) {
      throw new Abandoned(path);
    }
  }

  /** Opens the created file for writing; done by the first part's thread before it writes. */
  void open() throws IOException, InterruptedException {
    awaitCreated();
    OutputStream o = Files.newOutputStream(path, StandardOpenOption.WRITE);
    synchronized (this) {
      if (failed) {
        o.close();
        throw new Abandoned(path);
      }
      out = o;
    }
  }

  /** Marks the file failed: later parts give up, and the file is closed so it can be removed. */
  synchronized void fail() {
    failed = true;
    notifyAll();
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // the restore is failing and removes the file; the first error is the one reported
      }
    }
  }

  private synchronized boolean isTurn(int index) throws Abandoned {
    if (failed) {
      throw new Abandoned(path);
    }
    return written == index && out != null;
  }

  private synchronized void awaitTurn(int index) throws InterruptedException, Abandoned {
    while (!failed && (written != index || out == null)) {
      wait();
    }
    if (failed) {
      throw new Abandoned(path);
    }
  }

  private synchronized void passTurn(int index) {
    written = index + 1;
    notifyAll();
  }

  private synchronized OutputStream currentOut() {
    return out;
  }

  private void flush(List<byte[]> pending, List<Integer> lengths, Budget budget, ProgressTracker progress)
      throws IOException {
    for (int i = 0; i < pending.size(); i++) {
      write(pending.get(i), lengths.get(i), progress);
    }
    pending.forEach(budget::give);
    pending.clear();
    lengths.clear();
  }

  private void write(byte[] buf, int n, ProgressTracker progress) throws IOException {
    long t0 = PipelineProfile.ON ? System.nanoTime() : 0;
    currentOut().write(buf, 0, n);
    if (PipelineProfile.ON) {
      PipelineProfile.add(PipelineProfile.Stage.TARGET_WRITE, System.nanoTime() - t0);
    }
    progress.bytes(n);
  }
}
