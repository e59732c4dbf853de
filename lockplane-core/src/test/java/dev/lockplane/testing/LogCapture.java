package dev.lockplane.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures java.util.logging records during each test: every record of Lockplane's own loggers (at
 * any level) and what other libraries log at their default level. Register it with
 * {@code @RegisterExtension final LogCapture logs = new LogCapture();}.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger lockplane = Logger.getLogger("dev.lockplane");
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level saved;

  @Override
  public void beforeEach(ExtensionContext context) {
    records.clear();
    saved = lockplane.getLevel();
    lockplane.setLevel(Level.ALL);
    handler.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(handler);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Logger.getLogger("").removeHandler(handler);
    lockplane.setLevel(saved);
  }

  /** The records captured so far in this test. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** The records at {@code level} or above. */
  public List<LogRecord> atLeast(Level level) {
    return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).toList();
  }
}
