package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Leaves no WAL written before masking in a masked golden's data directory, whose every file goes
 * into the snapshot: the WAL of the load and of the masking holds original values (inserted rows,
 * full-page images of pages before their update).
 *
 * <p>Before the clean shutdown the server moves to a new WAL segment and checkpoints, so the
 * segment in use from then on holds only records written after masking. After the shutdown every
 * other segment is deleted (a cleanly stopped cluster needs only the segment of its shutdown
 * checkpoint), and the pages of the kept segment that were not written for it — the leftovers of a
 * recycled segment, whose page headers carry another address — are zeroed, as in a new segment.
 * This needs no {@code pg_resetwal}, which the embedded binaries do not ship.
 */
final class MaskedWal {
  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
  private static final int PAGE = 8192;
  /** XLP_FIRST_IS_CONTRECORD: the page begins with the rest of a record from the segment before. */
  private static final int FIRST_IS_CONTRECORD = 0x0001;

  private MaskedWal() {}

  /** Starts a new WAL segment after masking, while the golden's server still runs. */
  static void switchSegment(LocalPostgres pg) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
      s.execute("SELECT pg_switch_wal()");
      s.execute("CHECKPOINT");
    }
  }

  /**
   * Removes the WAL written before {@link #switchSegment} from a cleanly stopped data directory.
   *
   * @param data the data directory
   * @return the segments deleted
   */
  static int scrub(Path data) {
    Path wal = data.resolve("pg_wal");
    try {
      List<Path> segments = new ArrayList<>();
      try (Stream<Path> files = Files.list(wal)) {
        files.filter(f -> SEGMENT.matcher(f.getFileName().toString()).matches()).sorted().forEach(segments::add);
      }
      // the newest segment whose first page was written for it holds the shutdown checkpoint
      int newest = -1;
      for (int i = 0; i < segments.size(); i++) {
        if (firstPageIsOwn(segments.get(i))) {
          newest = i;
        }
      }
      if (newest < 0) {
        throw new LockplaneException(ErrorCode.CORRUPTED, "The masked golden's data directory " + data
            + " has no WAL segment of its own in pg_wal; it cannot be snapshotted safely.");
      }
      List<Path> keep = new ArrayList<>(List.of(segments.get(newest)));
      if (newest > 0 && startsWithContinuation(segments.get(newest))) {
        keep.add(0, segments.get(newest - 1));
      }
      int deleted = 0;
      for (Path seg : segments) {
        if (!keep.contains(seg)) {
          Files.delete(seg);
          deleted++;
        }
      }
      for (Path seg : keep) {
        zeroForeignPages(seg);
      }
      return deleted;
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot remove the WAL written before masking from " + wal + ": " + e, e);
    }
  }

  /** The address (LSN) of a segment's first byte, from its file name and size. */
  private static long startOf(Path seg) throws IOException {
    String n = seg.getFileName().toString();
    long size = Files.size(seg);
    long log = Long.parseLong(n.substring(8, 16), 16);
    long part = Long.parseLong(n.substring(16, 24), 16);
    return (log * (0x1_0000_0000L / size) + part) * size;
  }

  private static boolean firstPageIsOwn(Path seg) throws IOException {
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
      ByteBuffer b = header(ch, 0);
      return b != null && b.getLong(8) == startOf(seg);
    }
  }

  private static boolean startsWithContinuation(Path seg) throws IOException {
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
      ByteBuffer b = header(ch, 0);
      return b != null && (b.getShort(2) & FIRST_IS_CONTRECORD) != 0;
    }
  }

  /** Zeroes every page whose header does not carry its own address. */
  private static void zeroForeignPages(Path seg) throws IOException {
    long start = startOf(seg);
    ByteBuffer zeros = ByteBuffer.allocate(PAGE);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      for (long off = 0; off + PAGE <= size; off += PAGE) {
        ByteBuffer b = header(ch, off);
        if (b == null || b.getLong(8) != start + off) {
          zeros.clear();
          while (zeros.hasRemaining()) {
            ch.write(zeros, off + zeros.position());
          }
        }
      }
      ch.force(true);
    }
  }

  /** The first 16 bytes of the page at {@code off} (magic, info, timeline, page address), or null. */
  private static ByteBuffer header(FileChannel ch, long off) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    while (b.hasRemaining()) {
      if (ch.read(b, off + b.position()) < 0) {
        return null;
      }
    }
    return b.flip();
  }
}
