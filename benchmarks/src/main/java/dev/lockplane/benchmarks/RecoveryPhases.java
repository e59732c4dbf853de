package dev.lockplane.benchmarks;

import dev.lockplane.backup.Progress;
import dev.lockplane.backup.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of one recovery goes: the wall-clock moments at which the library entered each
 * progress phase, and the moments in PostgreSQL's own log at which it started, began and finished
 * redo, and accepted connections. Both clocks are the machine's wall clock, so they can be
 * subtracted (to the millisecond the log prints).
 */
final class RecoveryPhases implements ProgressListener {
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS z");

  private final Map<Progress.Phase, Instant> entered = new EnumMap<>(Progress.Phase.class);

  @Override
  public synchronized void onProgress(Progress progress) {
    entered.putIfAbsent(progress.phase(), Instant.now());
  }

  /** When the library first reported a phase, or {@code null}. */
  synchronized Instant entered(Progress.Phase phase) {
    return entered.get(phase);
  }

  /**
   * The moments of a server log: "start" (the first line), "redo" (redo starts), "redone" (redo
   * done) and "ready" (accepting connections), each the first such line; missing ones are absent.
   */
  static Map<String, Instant> serverLog(Path log) throws IOException {
    Map<String, Instant> at = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (String line : lines) {
      Instant t = time(line);
      if (t == null) {
        continue;
      }
      at.putIfAbsent("start", t);
      if (line.contains("redo starts at")) {
        at.putIfAbsent("redo", t);
      } else if (line.contains("redo done at")) {
        at.putIfAbsent("redone", t);
      } else if (line.contains("database system is ready to accept connections")) {
        at.putIfAbsent("ready", t);
      }
    }
    return at;
  }

  /** Seconds from {@code a} to {@code b}, or NaN when either is unknown. */
  static double secs(Instant a, Instant b) {
    return a == null || b == null ? Double.NaN : Duration.between(a, b).toMillis() / 1000.0;
  }

  // the default log_line_prefix '%m [%p] ' starts each line with the time and its zone
  private static Instant time(String line) {
    if (line.length() < 27 || !Character.isDigit(line.charAt(0))) {
      return null;
    }
    int zoneEnd = line.indexOf(' ', 24);
    if (zoneEnd < 0) {
      return null;
    }
    try {
      return ZonedDateTime.parse(line.substring(0, zoneEnd), LOG_TIME).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
