package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.util.Objects;

/**
 * How backup data is compressed before it is encrypted.
 *
 * @param algorithm the algorithm
 * @param level the level: zstd 1–19 (default 1), gzip 1–9 (default 6), 0 for none
 */
public record Compression(Algorithm algorithm, int level) {

  /** A compression algorithm. */
  public enum Algorithm {
    /** Zstandard: fast, and the default. */
    ZSTD,
    /** gzip, for tools that expect it. */
    GZIP,
    /** No compression, for data that is already compressed. */
    NONE
  }

  /** Validates the level for the algorithm. */
  public Compression {
    Objects.requireNonNull(algorithm, "algorithm");
    int max = switch (algorithm) {
      case ZSTD -> 19;
      case GZIP -> 9;
      case NONE -> 0;
    };
    int min = algorithm == Algorithm.NONE ? 0 : 1;
    if (level < min || level > max) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          algorithm + " level " + level + " is out of range; choose " + min + " to " + max + ".");
    }
  }

  /**
   * Returns zstd at level 1, the default: on PostgreSQL's pages it compresses about three times as
   * fast as level 3 and stores no more (see the backup benchmark), and decompresses faster too.
   */
  public static Compression zstd() {
    return new Compression(Algorithm.ZSTD, 1);
  }

  /**
   * Returns zstd at a level.
   *
   * @param level 1 to 19
   * @return the setting
   */
  public static Compression zstd(int level) {
    return new Compression(Algorithm.ZSTD, level);
  }

  /** Returns gzip at level 6. */
  public static Compression gzip() {
    return new Compression(Algorithm.GZIP, 6);
  }

  /** Returns no compression. */
  public static Compression none() {
    return new Compression(Algorithm.NONE, 0);
  }
}
