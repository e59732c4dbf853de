package dev.lockplane.internal.backup;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-stage timers of the object pipeline, to see where the bytes wait. Off unless the system
 * property {@code lockplane.backup.profile} is {@code true}: then every object written or read
 * adds the time its thread spent in each stage. Times are wall time inside the stage's calls,
 * summed over threads, so with N workers they add up to about N times the elapsed time.
 */
public final class PipelineProfile {
  /** Whether the timers run: read once, so a disabled profile costs one constant branch. */
  public static final boolean ON = Boolean.getBoolean("lockplane.backup.profile");

  /** A stage of writing or reading an object. */
  public enum Stage {
    /** Reading plaintext from the source (a file or a stream). */
    SOURCE_READ("read source"),
    /** SHA-256 of the plaintext. */
    PLAIN_HASH("hash plaintext"),
    /** Compression (zstd, gzip). */
    COMPRESS("compress"),
    /** Streaming AEAD encryption. */
    ENCRYPT("encrypt"),
    /** SHA-256 of the stored bytes. */
    STORED_HASH("hash stored"),
    /** Handing stored bytes to the storage. */
    STORAGE_WRITE("write storage"),
    /** Reading stored bytes from the storage. */
    STORAGE_READ("read storage"),
    /** Streaming AEAD decryption. */
    DECRYPT("decrypt"),
    /** Decompression. */
    DECOMPRESS("decompress"),
    /** Writing restored plaintext to its file. */
    TARGET_WRITE("write target");

    private final String label;

    Stage(String label) {
      this.label = label;
    }
  }

  private static final LongAdder[] NANOS = new LongAdder[Stage.values().length];

  static {
    for (int i = 0; i < NANOS.length; i++) {
      NANOS[i] = new LongAdder();
    }
  }

  private PipelineProfile() {}

  /** Adds time to a stage. */
  public static void add(Stage stage, long nanos) {
    NANOS[stage.ordinal()].add(nanos);
  }

  /** Returns the time spent in a stage so far, in nanoseconds. */
  public static long nanos(Stage stage) {
    return NANOS[stage.ordinal()].sum();
  }

  /** Sets every timer to zero. */
  public static void reset() {
    for (LongAdder a : NANOS) {
      a.reset();
    }
  }

  /**
   * Returns the stages that took time, with their seconds and share, as Markdown table rows.
   *
   * @return the rows, empty when nothing was timed
   */
  public static String table() {
    long total = 0;
    for (Stage s : Stage.values()) {
      total += nanos(s);
    }
    StringBuilder b = new StringBuilder();
    for (Stage s : Stage.values()) {
      long n = nanos(s);
      if (n > 0) {
        b.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f %% |%n", s.label, n / 1e9, 100.0 * n / total));
      }
    }
    return b.toString();
  }
}
