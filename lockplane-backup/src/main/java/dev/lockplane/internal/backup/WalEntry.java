package dev.lockplane.internal.backup;

/**
 * The manifest of one archived WAL file (a segment, or a timeline history file), stored next to its
 * object and written after it: the file is archived once its manifest exists. Serialized by
 * {@link WalCatalog} with sorted keys and a checksum of its canonical form, like a backup manifest.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param systemIdentifier the server's system identifier
 * @param name the file name PostgreSQL gives it
 * @param kind {@code segment} or {@code history}
 * @param timeline the timeline
 * @param startLsn the first position it holds (segments), or {@code null}
 * @param endLsn the position just after it (segments), or {@code null}
 * @param segmentSize the server's WAL segment size in bytes (segments), else 0
 * @param archivedAt when the archive received it (ISO-8601 instant): every transaction in it
 *     committed before then
 * @param method {@code stream} (the archiver, through a replication slot) or {@code push}
 *     ({@code archive_command})
 * @param compression the compression
 * @param encryption the encryption, or {@code null}
 * @param object the stored object
 * @param index what the segment holds, read from its records when it was archived; {@code null}
 *     for history files and for segments archived before the index existed (format version 1
 *     entries without it still read)
 */
public record WalEntry(int formatVersion, String systemIdentifier, String name, String kind, int timeline,
    String startLsn, String endLsn, long segmentSize, String archivedAt, String method,
    Manifest.CompressionInfo compression, Manifest.EncryptionInfo encryption, StoredObject object, WalIndex index) {
  /** The current format version. */
  public static final int FORMAT_VERSION = 1;

  /** Returns whether this is a WAL segment. */
  public boolean segmentFile() {
    return "segment".equals(kind);
  }

  /** Returns whether the whole segment was indexed, so what its index lacks is known not to be in it. */
  public boolean indexed() {
    return index != null && index.complete();
  }

  /** Returns the segment number (segments only). */
  public long segno() {
    return WalNames.segnoOf(name, segmentSize);
  }
}
