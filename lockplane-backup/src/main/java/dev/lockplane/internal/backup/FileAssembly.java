package dev.lockplane.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
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

  /** Decoded bytes held in memory by parts waiting for their turn, in MiB, shared by one restore. */
  static Semaphore budget() {
    long mib = Math.min(256, Runtime.getRuntime().maxMemory() / 4 >> 20);
    return new Semaphore((int) Math.max(0, mib));
  }

  private final Path path;
  private final int parts;
  private OutputStream out;
  private int written;
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
   * @param budget the restore's memory budget in MiB
   * @param progress receives the bytes as they are written
   * @return whether this was the file's last part
   */
  boolean append(InputStream in, int index, long size, Semaphore budget, ProgressTracker progress)
      throws IOException, InterruptedException {
    int permits = (int) Math.min(Integer.MAX_VALUE, (size + (1 << 20) - 1) >> 20);
    boolean reserved = false;
    if (!isTurn(index)) {
      reserved = budget.tryAcquire(permits);
      if (!reserved) {
        awaitTurn(index);
      }
    }
    try {
      List<byte[]> pending = new ArrayList<>();
      List<Integer> lengths = new ArrayList<>();
      boolean streaming = false;
      // one byte more than a small part holds, so the read that fills less reaches the end and its check
      int chunk = (int) Math.min(ObjectCodec.IO_CHUNK, size + 1);
      byte[] buf = null;
      while (true) {
        if (buf == null) {
          buf = new byte[chunk];
        }
        int n = in.readNBytes(buf, 0, buf.length);
        if (!streaming && isTurn(index)) {
          streaming = true;
          flush(pending, lengths, progress);
        }
        if (n > 0) {
          if (streaming) {
            write(buf, n, progress);
          } else {
            pending.add(buf);
            lengths.add(n);
          }
        }
        if (n < chunk) {
          break;
        }
        if (!streaming) {
          // kept until its turn: the next chunk needs a buffer of its own
          buf = null;
        }
      }
      if (!streaming) {
        awaitTurn(index);
        flush(pending, lengths, progress);
      }
    } finally {
      if (reserved) {
        budget.release(permits);
      }
    }
    boolean last = index == parts - 1;
    if (last) {
      currentOut().close();
    }
    passTurn(index);
    return last;
  }

  /** Creates the (empty) file; done by the first part's thread before it writes. */
  synchronized void create() throws IOException {
    LocalDirectoryStorage.createPrivateDirectories(path.getParent());
    out = Restorer.newPrivateFile(path);
  }

  /** Creates the file of an entry without parts, which stays empty. */
  synchronized void createEmpty() throws IOException {
    create();
    out.close();
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

  private void flush(List<byte[]> pending, List<Integer> lengths, ProgressTracker progress) throws IOException {
    for (int i = 0; i < pending.size(); i++) {
      write(pending.get(i), lengths.get(i), progress);
    }
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
