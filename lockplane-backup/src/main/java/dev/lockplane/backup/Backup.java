package dev.lockplane.backup;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup as its manifest describes it.
 *
 * @param id the backup id, such as {@code 20260102T030405Z-1a2b3c}; ids sort by start time
 * @param kind physical, logical or SQLite
 * @param startTime when the backup started
 * @param stopTime when it finished
 * @param tags the tags given when it was taken, sorted
 * @param databases the databases it holds
 * @param serverVersion the server's version (SQLite: the library version)
 * @param size the plaintext size in bytes of everything a restore writes (for an incremental backup,
 *     the bytes it represents, most of them stored by the backups it depends on)
 * @param storedSize the stored (compressed, encrypted) size in bytes of the objects this backup
 *     itself stored
 * @param objects the number of data objects this backup itself stored
 * @param keyId the id of the key that encrypted it, or -1 when not encrypted
 * @param parent the backup this one depends on, or {@code null}
 * @param rowCounts rows per table ({@code database.schema.table}) at backup time; {@code -1} for each table of a
 *     backup taken {@link BackupRequest#withoutRowCounts() without row counts}
 * @param verifiedAt when it last passed a data or drill verification, or {@code null}
 * @param incremental whether it is an incremental physical backup, stored as changes to its
 *     {@link #parent} (and that one's chain) and restored through the whole chain
 */
public record Backup(
    String id,
    BackupKind kind,
    Instant startTime,
    Instant stopTime,
    List<String> tags,
    List<String> databases,
    String serverVersion,
    long size,
    long storedSize,
    int objects,
    long keyId,
    String parent,
    Map<String, Long> rowCounts,
    Instant verifiedAt,
    boolean incremental) {

  /** Validates and copies the components. */
  public Backup {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(stopTime, "stopTime");
    tags = List.copyOf(tags);
    databases = List.copyOf(databases);
    rowCounts = Map.copyOf(rowCounts);
    if (incremental && parent == null) {
      throw new IllegalArgumentException("An incremental backup has a parent");
    }
  }

  /**
   * Describes a full (not incremental) backup.
   *
   * @param id the id
   * @param kind the kind
   * @param startTime when it started
   * @param stopTime when it finished
   * @param tags the tags
   * @param databases the databases
   * @param serverVersion the server version
   * @param size the plaintext size
   * @param storedSize the stored size
   * @param objects the number of objects
   * @param keyId the key id, or -1
   * @param parent the backup it depends on, or {@code null}
   * @param rowCounts rows per table
   * @param verifiedAt when it last passed verification, or {@code null}
   */
  public Backup(String id, BackupKind kind, Instant startTime, Instant stopTime, List<String> tags, List<String> databases,
      String serverVersion, long size, long storedSize, int objects, long keyId, String parent, Map<String, Long> rowCounts,
      Instant verifiedAt) {
    this(id, kind, startTime, stopTime, tags, databases, serverVersion, size, storedSize, objects, keyId, parent, rowCounts,
        verifiedAt, false);
  }

  /**
   * Returns a minimal description of a backup, for planning retention on synthetic calendars.
   *
   * @param id the id
   * @param startTime the start time
   * @return the backup
   */
  public static Backup of(String id, Instant startTime) {
    return new Backup(id, BackupKind.PHYSICAL, startTime, startTime, List.of(), List.of(), "", 0, 0, 0, -1, null,
        Map.of(), null);
  }

  /** Returns the backup this one depends on. */
  public Optional<String> parentId() {
    return Optional.ofNullable(parent);
  }

  /** Returns when the backup last passed verification. */
  public Optional<Instant> lastVerified() {
    return Optional.ofNullable(verifiedAt);
  }
}
