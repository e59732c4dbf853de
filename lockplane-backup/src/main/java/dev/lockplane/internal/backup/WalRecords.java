package dev.lockplane.internal.backup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads the records of one WAL segment far enough to index it: restore points, commits and aborts.
 * The layout is PostgreSQL's since 9.5 and the same in 13–18 (xlog_internal.h, xlogrecord.h,
 * xact.h): pages of {@code xlp_xlog_blcksz} bytes, each with a page header (a long one on the
 * segment's first page); records aligned to 8 bytes, each an {@code XLogRecord} header followed by
 * block reference headers, a main data header, block data and the main data last; a record may
 * continue on the next pages, and one begun in the previous segment is skipped. Each record's
 * CRC-32C is checked; decoding stops at the first record that is not valid, at an
 * {@code XLOG_SWITCH} (the rest of the segment is padding) or at the segment's end. It never throws:
 * what it cannot read is reported in {@link WalIndex#incomplete()}.
 */
public final class WalRecords {
  private static final int XLP_FIRST_IS_CONTRECORD = 0x0001;
  private static final int XLP_LONG_HEADER = 0x0002;
  private static final int LONG_HEADER = 40;
  private static final int SHORT_HEADER = 24;
  private static final int RECORD_HEADER = 24;
  private static final int RM_XLOG_ID = 0;
  private static final int RM_XACT_ID = 1;
  private static final int XLOG_SWITCH = 0x40;
  private static final int XLOG_RESTORE_POINT = 0x70;
  private static final int XLOG_XACT_OPMASK = 0x70;
  private static final int XLOG_XACT_COMMIT = 0x00;
  private static final int XLOG_XACT_ABORT = 0x20;
  private static final int XLOG_XACT_COMMIT_PREPARED = 0x30;
  private static final int XLOG_XACT_ABORT_PREPARED = 0x40;
  private static final int MAXFNAMELEN = 64;
  /** XLogRecordMaxSize: no valid record is longer. */
  private static final int MAX_RECORD = 1020 * 1024 * 1024;
  /** The page magic of PostgreSQL 15, which changed the flags of block images. */
  private static final int MAGIC_15 = 0xD110;
  /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  private WalRecords() {}

  /** Receives the commit records of a segment, in WAL order. */
  @FunctionalInterface
  public interface CommitListener {
    /**
     * One commit.
     *
     * @param endLsn the WAL position after the record
     * @param time its commit time, or {@code null} when the record continues in the next segment
     */
    void commit(long endLsn, Instant time);
  }

  /**
   * Indexes a segment.
   *
   * @param data the segment's bytes
   * @param length how many of them
   * @return the index; never {@code null}
   */
  public static WalIndex index(byte[] data, int length) {
    return index(data, length, (lsn, time) -> {});
  }

  /**
   * Indexes a segment, handing each commit to a listener.
   *
   * @param data the segment's bytes
   * @param length how many of them
   * @param commits receives the commits
   * @return the index; never {@code null}
   */
  public static WalIndex index(byte[] data, int length, CommitListener commits) {
    Decoder d = new Decoder(data, length, commits);
    try {
      d.run();
    } catch (RuntimeException e) {
      // a malformed segment must not fail its archiving: the index says where reading stopped
      d.incomplete = "cannot decode the record at " + WalNames.formatLsn(d.start + d.recordStart) + " (" + e + ")";
    }
    return d.result();
  }

  /** The state of one pass over a segment. */
  private static final class Decoder {
    final ByteBuffer b;
    final int length;
    final CommitListener listener;
    long start;
    int blcksz;
    int magic;
    int recordStart;
    int through;
    long records;
    long commits;
    long aborts;
    Instant firstCommit;
    Instant lastCommit;
    final List<WalIndex.RestorePoint> restorePoints = new ArrayList<>();
    String incomplete;

    Decoder(byte[] data, int length, CommitListener listener) {
      this.b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.LITTLE_ENDIAN);
      this.length = length;
      this.listener = listener;
    }

    WalIndex result() {
      return new WalIndex(records, WalNames.formatLsn(start + through), restorePoints, commits, aborts,
          firstCommit == null ? null : firstCommit.toString(), lastCommit == null ? null : lastCommit.toString(), incomplete);
    }

    void run() {
      if (length < LONG_HEADER || (b.getShort(2) & XLP_LONG_HEADER) == 0) {
        incomplete = "the segment does not start with a long page header";
        return;
      }
      magic = b.getShort(0) & 0xffff;
      start = b.getLong(8);
      blcksz = b.getInt(36);
      if (blcksz < 1024 || Integer.bitCount(blcksz) != 1 || length % blcksz != 0) {
        incomplete = "the page size " + blcksz + " in the first page header does not divide the segment";
        return;
      }
      int pos = LONG_HEADER;
      through = pos;
      if ((b.getShort(2) & XLP_FIRST_IS_CONTRECORD) != 0) {
        // the end of a record begun in the previous segment, indexed there
        pos = skip(pos, b.getInt(16));
        if (pos < 0) {
          through = length;
          return;
        }
        pos = align(pos);
      }
      through = pos;
      while (true) {
        if (pos % blcksz == 0) {
          if (pos >= length) {
            return;
          }
          String bad = pageProblem(pos);
          if (bad != null) {
            incomplete = bad;
            return;
          }
          pos += SHORT_HEADER;
        }
        recordStart = pos;
        int total = b.getInt(pos);
        if (total == 0) {
          incomplete = "the WAL ends at " + WalNames.formatLsn(start + pos) + ", before the segment's end";
          return;
        }
        if (total < RECORD_HEADER || total > MAX_RECORD) {
          incomplete = "the record at " + WalNames.formatLsn(start + pos) + " has an invalid length "
              + Integer.toUnsignedString(total);
          return;
        }
        // no more than the segment holds: a record continuing past it is classified by its header
        byte[] rec = new byte[Math.min(total, length - pos)];
        int got = gather(pos, rec);
        if (got < total) {
          // the record continues in the next segment: its kind is known when its header is here
          if (got >= RECORD_HEADER) {
            classify(rec, got, -1);
          } else {
            incomplete = "the record at " + WalNames.formatLsn(start + pos) + " begins in the segment's last bytes and"
                + " is not indexed";
          }
          through = length;
          return;
        }
        int end = endOf(pos, total);
        if (!crcMatches(rec)) {
          incomplete = "the record at " + WalNames.formatLsn(start + pos) + " fails its CRC: the WAL after "
              + WalNames.formatLsn(start + through) + " is not valid";
          return;
        }
        records++;
        boolean stop = classify(rec, total, align(end));
        pos = align(end);
        through = pos;
        if (stop) {
          through = length;
          return;
        }
      }
    }

    private String pageProblem(int pos) {
      if ((b.getShort(pos) & 0xffff) != magic || b.getLong(pos + 8) != start + pos) {
        return "the page at " + WalNames.formatLsn(start + pos) + " has no valid header";
      }
      return null;
    }

    /** Copies a record that may continue over pages; returns how many of its bytes the segment holds. */
    private int gather(int pos, byte[] into) {
      int got = 0;
      int p = pos;
      while (got < into.length) {
        if (p % blcksz == 0) {
          if (p >= length) {
            return got;
          }
          String bad = pageProblem(p);
          if (bad != null || (b.getShort(p + 2) & XLP_FIRST_IS_CONTRECORD) == 0) {
            throw new IllegalStateException("the record continues on a page that does not continue it");
          }
          p += SHORT_HEADER;
        }
        int take = Math.min(into.length - got, blcksz - p % blcksz);
        b.get(p, into, got, take);
        got += take;
        p += take;
      }
      return got;
    }

    /** Returns the offset just after {@code n} record bytes from {@code pos}, skipping page headers. */
    private int endOf(int pos, int n) {
      int p = pos;
      int left = n;
      while (left > 0) {
        if (p % blcksz == 0) {
          p += p == 0 ? LONG_HEADER : SHORT_HEADER;
        }
        int take = Math.min(left, blcksz - p % blcksz);
        p += take;
        left -= take;
      }
      return p;
    }

    /** Skips {@code n} continuation bytes; returns -1 when they run past the segment. */
    private int skip(int pos, int n) {
      int end = endOf(pos, n);
      return end > length ? -1 : end;
    }

    private static int align(int p) {
      return (p + 7) & ~7;
    }

    private boolean crcMatches(byte[] rec) {
      CRC32C crc = new CRC32C();
      crc.update(rec, RECORD_HEADER, rec.length - RECORD_HEADER);
      crc.update(rec, 0, 20);
      return (int) crc.getValue() == ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
    }

    /**
     * Notes a record of interest. {@code got} bytes of it are present; {@code end} is the offset
     * after it, or -1 when it continues in the next segment. Returns whether the segment ends here.
     */
    private boolean classify(byte[] rec, int got, int end) {
      int info = rec[16] & 0xff;
      int rmid = rec[17] & 0xff;
      boolean whole = end >= 0;
      if (rmid == RM_XLOG_ID && (info & 0xf0) == XLOG_SWITCH) {
        return true;
      }
      if (rmid == RM_XLOG_ID && (info & 0xf0) == XLOG_RESTORE_POINT) {
        if (!whole) {
          incomplete = "the restore point at " + WalNames.formatLsn(start + recordStart) + " continues in the next segment"
              + " and is not indexed";
          return false;
        }
        ByteBuffer main = mainData(rec);
        Instant time = timestamp(main.getLong(0));
        byte[] raw = new byte[Math.min(MAXFNAMELEN, main.remaining() - 8)];
        main.get(8, raw);
        int n = 0;
        while (n < raw.length && raw[n] != 0) {
          n++;
        }
        restorePoints.add(new WalIndex.RestorePoint(new String(raw, 0, n, StandardCharsets.UTF_8),
            WalNames.formatLsn(start + end), time.toString()));
      } else if (rmid == RM_XACT_ID) {
        int op = info & XLOG_XACT_OPMASK;
        if (op == XLOG_XACT_COMMIT || op == XLOG_XACT_COMMIT_PREPARED) {
          commits++;
          Instant time = whole ? timestamp(mainData(rec).getLong(0)) : null;
          if (time != null) {
            if (firstCommit == null) {
              firstCommit = time;
            }
            lastCommit = time;
          }
          listener.commit(whole ? start + end : start + length, time);
        } else if (op == XLOG_XACT_ABORT || op == XLOG_XACT_ABORT_PREPARED) {
          aborts++;
        }
      }
      return false;
    }

    /** Returns a record's main data: it comes last, its length is in the last header before the block data. */
    private ByteBuffer mainData(byte[] rec) {
      ByteBuffer r = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
      int p = RECORD_HEADER;
      int mainLength = 0;
      while (p < rec.length) {
        int id = rec[p] & 0xff;
        if (id == 255) {
          mainLength = rec[p + 1] & 0xff;
          break;
        } else if (id == 254) {
          mainLength = r.getInt(p + 1);
          break;
        } else if (id == 253) {
          p += 3; // replication origin
        } else if (id == 252) {
          p += 5; // top-level transaction id
        } else if (id <= 32) {
          int forkFlags = rec[p + 1] & 0xff;
          p += 4;
          if ((forkFlags & 0x10) != 0) {
            int imageInfo = rec[p + 4] & 0xff;
            p += 5;
            boolean compressed = magic >= MAGIC_15 ? (imageInfo & 0x1c) != 0 : (imageInfo & 0x02) != 0;
            if ((imageInfo & 0x01) != 0 && compressed) {
              p += 2;
            }
          }
          if ((forkFlags & 0x80) == 0) {
            p += 12; // the relation, when not the previous block's
          }
          p += 4;
        } else {
          throw new IllegalStateException("unknown block id " + id);
        }
      }
      if (mainLength < 8 || mainLength > rec.length - RECORD_HEADER) {
        throw new IllegalStateException("main data of " + mainLength + " bytes");
      }
      return ByteBuffer.wrap(rec, rec.length - mainLength, mainLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Instant timestamp(long pgMicros) {
      long micros = pgMicros + PG_EPOCH_MICROS;
      return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
  }
}
