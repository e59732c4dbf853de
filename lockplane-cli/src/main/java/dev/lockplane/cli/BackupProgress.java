package dev.lockplane.cli;

import dev.lockplane.backup.Progress;
import dev.lockplane.backup.ProgressListener;
import java.util.Locale;

/** Backup, verify and restore progress as progress lines: phase, bytes and files. */
final class BackupProgress implements ProgressListener {
  private final Reporter reporter;
  private Progress.Phase phase;
  private long lastBytes;

  BackupProgress(Reporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public synchronized void onProgress(Progress p) {
    // A new line at each phase and about every 16 MiB, not for every buffer.
    if (p.phase() == phase && p.bytesDone() - lastBytes < 16L << 20) {
      return;
    }
    phase = p.phase();
    lastBytes = p.bytesDone();
    reporter.progress(String.format(Locale.ROOT, "%-10s %,d%s bytes, %d%s files", p.phase().name().toLowerCase(Locale.ROOT),
        p.bytesDone(), p.bytesTotal() < 0 ? "" : String.format(Locale.ROOT, " of %,d", p.bytesTotal()), p.filesDone(),
        p.filesTotal() < 0 ? "" : " of " + p.filesTotal()));
  }
}
