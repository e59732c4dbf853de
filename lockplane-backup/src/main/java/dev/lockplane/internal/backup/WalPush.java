package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Archives one WAL file handed over by PostgreSQL's {@code archive_command}. The server's system
 * identifier comes from the segment's own first page header, or for a history file from
 * {@code global/pg_control} of the data directory the file is in.
 */
public final class WalPush {
  private static final int XLP_LONG_HEADER = 0x0002;

  private WalPush() {}

  /**
   * Archives a file.
   *
   * @param catalog the archive
   * @param file a segment or a {@code .history} file
   * @return what was done
   * @throws BackupException {@code INVALID_INPUT} for another file, {@code ALREADY_EXISTS} when a
   *     different file of that name is archived
   */
  public static WalCatalog.Stored push(WalCatalog catalog, Path file) {
    String name = file.getFileName().toString();
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot read WAL file " + file + ": " + Redaction.text(e), null, null, e);
    }
    if (WalNames.isSegment(name)) {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      if (data.length < 40 || (b.getShort(2) & XLP_LONG_HEADER) == 0) {
        throw new BackupException(ErrorCode.INVALID_INPUT, "WAL file " + file + " does not start with a segment's first page"
            + " header; it is not a WAL segment. Nothing was archived.", null, null, null);
      }
      int tli = b.getInt(4);
      long start = b.getLong(8);
      String sysid = Long.toUnsignedString(b.getLong(24));
      long segSize = Integer.toUnsignedLong(b.getInt(32));
      if (segSize != data.length || !WalNames.segmentName(tli, start / segSize, segSize).equals(name)) {
        throw new BackupException(ErrorCode.INVALID_INPUT, "WAL file " + file + " is " + data.length + " bytes and its header"
            + " says segment " + WalNames.segmentName(tli, start / Math.max(1, segSize), Math.max(1, segSize)) + " of "
            + segSize + " bytes: it is incomplete or renamed. Nothing was archived.", null, null, null);
      }
      return catalog.store(sysid, name, tli, WalNames.formatLsn(start), WalNames.formatLsn(start + segSize), segSize, data,
          data.length, "push");
    }
    if (WalNames.isHistory(name)) {
      Path control = file.toAbsolutePath().getParent().resolveSibling("global").resolve("pg_control");
      String sysid;
      try {
        byte[] c = Files.readAllBytes(control);
        sysid = Long.toUnsignedString(ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
      } catch (IOException | RuntimeException e) {
        throw new BackupException(ErrorCode.INVALID_INPUT, "Cannot read the system identifier for " + name + " from " + control
            + ": archive history files from the server's data directory (archive_command runs there, %p is pg_wal/NAME).",
            null, null, null);
      }
      return catalog.store(sysid, name, WalNames.timelineOf(name), null, null, 0, data, data.length, "push");
    }
    throw new BackupException(ErrorCode.INVALID_INPUT, "'" + name + "' is neither a WAL segment nor a timeline history file;"
        + " the archive keeps those only. Nothing was archived.", null, null, null);
  }
}
