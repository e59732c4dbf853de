package dev.lockplane.internal.backup;

import dev.lockplane.backup.Progress;
import dev.lockplane.backup.ProgressListener;

/** Counts bytes and files from many threads and reports to a listener, throttled. */
public final class ProgressTracker {
  private static final long REPORT_EVERY = 4L << 20;

  private final ProgressListener listener;
  private Progress.Phase phase = Progress.Phase.PREPARING;
  private long bytes;
  private long bytesTotal = -1;
  private int files;
  private int filesTotal = -1;
  private long lastReported;

  /** Creates a tracker. */
  public ProgressTracker(ProgressListener listener) {
    this.listener = listener == null ? ProgressListener.NONE : listener;
  }

  /** Enters a phase and resets the totals. */
  public synchronized void phase(Progress.Phase p, long bytesTotal, int filesTotal) {
    this.phase = p;
    this.bytes = 0;
    this.files = 0;
    this.bytesTotal = bytesTotal;
    this.filesTotal = filesTotal;
    this.lastReported = 0;
    report();
  }

  /** Adds processed bytes. */
  public synchronized void bytes(long n) {
    bytes += n;
    if (bytes - lastReported >= REPORT_EVERY) {
      report();
    }
  }

  /** Counts a completed file. */
  public synchronized void fileDone() {
    files++;
    report();
  }

  /** Returns the bytes counted in this phase. */
  public synchronized long bytesDone() {
    return bytes;
  }

  private void report() {
    lastReported = bytes;
    listener.onProgress(new Progress(phase, bytes, bytesTotal, files, filesTotal));
  }
}
