package dev.lockplane.cli;

import dev.lockplane.internal.subset.Subsetter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the report of a subset made while a command prepares a golden (rows kept per table and
 * why), which the library logs at INFO — below what the command line shows by default — so that the
 * command can print it. Close it to stop collecting.
 */
final class SubsetReportCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger(Subsetter.class.getName());
  private final Level before;
  private final List<String> lines = new ArrayList<>();

  SubsetReportCapture() {
    before = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord r) {
    String m = r.getMessage();
    if (m != null && m.startsWith(Subsetter.REPORT_HEADING)) {
      lines.clear();
      m.lines().skip(1).forEach(lines::add);
    }
  }

  /** The report's lines, empty when no subset was made (none asked for, or the golden was already prepared). */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(before);
  }
}
