package dev.lockplane.internal.postgres;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The system identifier of a stopped cluster: read from {@code global/pg_control}, and replaced by a
 * fresh one the way {@code pg_resetwal} would (which the embedded binaries lack).
 *
 * <p>Every cluster copied from one cached {@code initdb} result would otherwise share its identifier,
 * and WAL archives, backups and recovery could not tell those servers apart. The identifier lives in
 * two places PostgreSQL cross-checks at start: the control file (protected by a CRC-32C) and the long
 * header of the first page of every WAL segment.
 */
public final class SystemIdentifier {
  private static final String CONTROL_FILE = "global/pg_control";
  /**
   * PostgreSQL asserts that its control data fits in this many bytes (PG_CONTROL_MAX_SAFE_SIZE), so
   * the CRC field lies below it in every version; searching no further keeps false matches out.
   */
  private static final int CONTROL_MAX_SAFE_SIZE = 512;
  /** {@code XLP_LONG_HEADER} in {@code xlp_info}: the page starts a segment and carries the identifier. */
  private static final int XLP_LONG_HEADER = 0x0002;
  /** Offset of {@code xlp_info} (after the 2-byte magic) in a WAL page header. */
  private static final int XLP_INFO_OFFSET = 2;
  /** Offset of {@code xlp_sysid} in a long WAL page header: after the 24-byte standard header. */
  private static final int XLP_SYSID_OFFSET = 24;
  private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9A-F]{24}");
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong LAST = new AtomicLong();

  private SystemIdentifier() {}

  /**
   * Reads the system identifier of a cluster from its control file, checking the file's CRC.
   *
   * @param dataDir the data directory
   * @return the identifier
   */
  public static long read(Path dataDir) {
    Path file = dataDir.resolve(CONTROL_FILE);
    ByteBuffer control = readControl(file);
    crcOffset(control, file);
    return control.getLong(0);
  }

  /**
   * Gives a stopped cluster a new, unique system identifier: rewrites the control file (and its CRC)
   * and the identifier in every WAL segment that carries the old one.
   *
   * @param dataDir the data directory of a cluster that is not running
   * @return the new identifier
   */
  public static long renew(Path dataDir) {
    Path file = dataDir.resolve(CONTROL_FILE);
    ByteBuffer control = readControl(file);
    int crcAt = crcOffset(control, file);
    long old = control.getLong(0);
    long fresh = generate(old);
    try {
      int segments = rewriteSegments(dataDir.resolve("pg_wal"), old, fresh);
      if (segments == 0) {
        throw new LockplaneException(
            ErrorCode.INVALID_CONFIGURATION,
            "No WAL segment in " + dataDir.resolve("pg_wal") + " carries the system identifier " + unsigned(old)
                + " of " + file + ", so the cluster cannot be given a new one. Remove the cached cluster"
                + " under the Lockplane cache's clusters/ directory so that it is made again.");
      }
      control.putLong(0, fresh);
      CRC32C crc = new CRC32C();
      crc.update(control.array(), 0, crcAt);
      control.putInt(crcAt, (int) crc.getValue());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        writeFully(ch, ByteBuffer.wrap(control.array(), 0, crcAt + Integer.BYTES), 0);
      }
    } catch (IOException e) {
      throw ClusterCache.ioFailure("Cannot give the cluster in " + dataDir + " a new system identifier", dataDir, e);
    }
    return fresh;
  }

  /**
   * Returns the identifier in unsigned decimal, as PostgreSQL prints it.
   *
   * @param id the identifier
   * @return its text
   */
  public static String unsigned(long id) {
    return Long.toUnsignedString(id);
  }

  /**
   * Makes an identifier the way {@code initdb} does: seconds since the epoch in the high 32 bits,
   * microseconds in the next 20, and 12 low bits that are random here (initdb uses the pid, which is
   * the same for every cluster this JVM makes). Identifiers from one JVM only increase, so two
   * clusters made in the same microsecond still differ.
   */
  static long generate(long avoid) {
    while (true) {
      Instant now = Instant.now();
      long candidate = (now.getEpochSecond() << 32)
          | ((long) (now.getNano() / 1000) << 12)
          | RANDOM.nextInt(1 << 12);
      long prev = LAST.get();
      if (Long.compareUnsigned(candidate, prev) <= 0) {
        candidate = prev + 1;
      }
      if (candidate != avoid && candidate != 0 && LAST.compareAndSet(prev, candidate)) {
        return candidate;
      }
    }
  }

  private static ByteBuffer readControl(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw ClusterCache.ioFailure("Cannot read the control file " + file, file, e);
    }
    return ByteBuffer.wrap(bytes).order(ORDER);
  }

  /**
   * Finds where the control file's CRC is stored: the one offset whose four bytes equal the CRC-32C
   * of all bytes before it. The offset differs between major versions, so it is found, not assumed.
   */
  private static int crcOffset(ByteBuffer control, Path file) {
    byte[] b = control.array();
    int limit = Math.min(b.length, CONTROL_MAX_SAFE_SIZE) - Integer.BYTES;
    CRC32C crc = new CRC32C();
    // the identifier and the control version come first; the CRC is after them
    crc.update(b, 0, Long.BYTES + Integer.BYTES);
    int found = -1;
    for (int k = Long.BYTES + Integer.BYTES; k <= limit; k++) {
      if ((int) crc.getValue() == control.getInt(k)) {
        if (found >= 0) {
          throw unreadable(file, "two places (bytes " + found + " and " + k + ") look like its CRC");
        }
        found = k;
      }
      crc.update(b[k]);
    }
    if (found < 0) {
      throw unreadable(file, "no CRC-32C matches its contents; it is corrupt or of an unknown format");
    }
    return found;
  }

  private static LockplaneException unreadable(Path file, String why) {
    return new LockplaneException(
        ErrorCode.INVALID_CONFIGURATION,
        "Cannot read the system identifier from " + file + ": " + why + ". If the file belongs to a"
            + " cached cluster under the Lockplane cache's clusters/ directory, remove that cluster so"
            + " that it is made again.");
  }

  private static int rewriteSegments(Path walDir, long old, long fresh) throws IOException {
    List<Path> segments;
    try (Stream<Path> s = Files.list(walDir)) {
      segments = s.filter(p -> SEGMENT_NAME.matcher(p.getFileName().toString()).matches())
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    }
    int rewritten = 0;
    for (Path segment : segments) {
      try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer header = ByteBuffer.allocate(XLP_SYSID_OFFSET + Long.BYTES).order(ORDER);
        while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
          // read until the header is complete or the file ends
        }
        // a segment that does not start with a long header of this cluster (zeroed or recycled
        // from elsewhere) is never read as this cluster's WAL, so it is left alone
        if (header.hasRemaining()
            || (header.getShort(XLP_INFO_OFFSET) & XLP_LONG_HEADER) == 0
            || header.getLong(XLP_SYSID_OFFSET) != old) {
          continue;
        }
        ByteBuffer id = ByteBuffer.allocate(Long.BYTES).order(ORDER).putLong(0, fresh);
        writeFully(ch, id, XLP_SYSID_OFFSET);
        rewritten++;
      }
    }
    return rewritten;
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      at += ch.write(buf, at);
    }
  }
}
