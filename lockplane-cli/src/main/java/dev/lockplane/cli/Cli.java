package dev.lockplane.cli;

import dev.lockplane.internal.sql.JdbcUrls;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one run of the command line works with: its streams, its environment, whether it talks to a
 * person at a terminal, and the secrets that must never be printed.
 */
final class Cli {
  /** Secrets shorter than this are not masked by value: masking "pw" would garble every message. */
  private static final int MIN_MASKED_LENGTH = 4;

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;
  private final Map<String, String> env;
  private final boolean terminal;
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  Cli(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, boolean terminal) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.env = Map.copyOf(env);
    this.terminal = terminal;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  InputStream in() {
    return in;
  }

  /** Returns an environment variable, or null. */
  String env(String name) {
    return env.get(name);
  }

  /** Whether a person is at a terminal (stdin and stdout are one): prompts and progress bars. */
  boolean terminal() {
    return terminal;
  }

  /** Remembers a secret so that {@link #mask} removes it from anything printed. */
  void secret(String value) {
    if (value != null && value.length() >= MIN_MASKED_LENGTH) {
      secrets.add(value);
    }
  }

  /** Removes URL credentials and every known secret from text about to be printed. */
  String mask(String text) {
    if (text == null) {
      return null;
    }
    String s = JdbcUrls.redact(text);
    for (String secret : secrets) {
      s = s.replace(secret, "***");
    }
    return s;
  }

  /** Prints a line on stderr, masked. */
  void error(String line) {
    err.println(mask(line));
  }
}
