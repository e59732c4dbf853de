package dev.lockplane.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * java.util.logging (where SLF4J goes, through slf4j-jdk14) is quiet unless asked: the libraries'
 * INFO chatter is not for someone running a command.
 */
final class Logging {
  /** The level without -q, -v or --debug. */
  static final Level DEFAULT = Level.SEVERE;

  private Logging() {}

  static void configure(Level level) {
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    for (Handler h : root.getHandlers()) {
      h.setLevel(level);
    }
  }
}
