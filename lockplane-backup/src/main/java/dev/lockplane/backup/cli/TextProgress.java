package dev.lockplane.backup.cli;

import dev.lockplane.backup.Progress;
import dev.lockplane.backup.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/** Prints progress lines on standard error, one per phase change or about every 64 MiB. */
final class TextProgress implements ProgressListener {
  private final PrintStream err;
  private Progress.Phase phase;
  private long lastBytes;

  TextProgress(PrintStream err) {
    this.err = err;
  }

  @Override
  public void onProgress(Progress p) {
    if (p.phase() != phase || p.bytesDone() - lastBytes >= 64L << 20) {
      phase = p.phase();
      lastBytes = p.bytesDone();
      err.printf(Locale.ROOT, "%-10s %,d%s bytes, %d%s files%n", p.phase().name().toLowerCase(Locale.ROOT), p.bytesDone(),
          p.bytesTotal() < 0 ? "" : " of " + String.format(Locale.ROOT, "%,d", p.bytesTotal()), p.filesDone(),
          p.filesTotal() < 0 ? "" : " of " + p.filesTotal());
    }
  }
}
