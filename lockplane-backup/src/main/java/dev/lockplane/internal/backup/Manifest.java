package dev.lockplane.internal.backup;

import java.util.List;
import java.util.Map;

/**
 * A backup's manifest: everything needed to list, verify and restore it. Serialized by
 * {@link ManifestCodec} as JSON with sorted keys and a checksum of its own canonical form.
 *
 * @param formatVersion the manifest format version ({@link #FORMAT_VERSION})
 * @param id the backup id
 * @param kind {@code physical}, {@code logical} or {@code sqlite}
 * @param engine {@code postgresql} or {@code sqlite}
 * @param serverVersion the server's full version, or SQLite's library version
 * @param serverMajor the server's major version (0 for SQLite)
 * @param databases the databases the backup holds
 * @param systemIdentifier PostgreSQL's system identifier, or {@code null}
 * @param startTime when the backup started (ISO-8601 instant)
 * @param stopTime when it finished
 * @param startWal the start WAL position (physical backups)
 * @param stopWal the stop WAL position (physical backups)
 * @param timeline the timeline (physical backups)
 * @param parent the backup this one depends on, or {@code null}
 * @param compression the compression
 * @param encryption the encryption, or {@code null} when not encrypted
 * @param tags the tags, sorted
 * @param attributes kind-specific facts (dump format, source description)
 * @param directories directories to create on restore (relative paths), sorted
 * @param files the files and the objects holding them, sorted by path
 * @param tables per table ({@code database.schema.table}): row count and columns at backup time
 */
public record Manifest(
    int formatVersion,
    String id,
    String kind,
    String engine,
    String serverVersion,
    int serverMajor,
    List<String> databases,
    String systemIdentifier,
    String startTime,
    String stopTime,
    String startWal,
    String stopWal,
    Integer timeline,
    String parent,
    CompressionInfo compression,
    EncryptionInfo encryption,
    List<String> tags,
    Map<String, String> attributes,
    List<String> directories,
    List<FileEntry> files,
    Map<String, TableInfo> tables) {

  /** The current manifest format version. */
  public static final int FORMAT_VERSION = 1;

  /**
   * Compression of every object.
   *
   * @param algorithm {@code zstd}, {@code gzip} or {@code none}
   * @param level the level
   */
  public record CompressionInfo(String algorithm, int level) {}

  /**
   * Encryption of every object. Never holds key material.
   *
   * @param algorithm the Tink key type
   * @param keysetId the id of the keyset's first key
   * @param keyId the id of the primary key that encrypted this backup
   */
  public record EncryptionInfo(String algorithm, long keysetId, long keyId) {}

  /** The mode of a restored file whose manifest records none (manifests written before modes were kept). */
  public static final int DEFAULT_MODE = 0600;

  /**
   * One restored file.
   *
   * @param path its path relative to the restore target, with forward slashes
   * @param size its size in bytes
   * @param parts the objects holding it, in order
   * @param mode the source file's permission bits in octal, such as {@code 0640}, or {@code null}
   *     when not recorded ({@link #DEFAULT_MODE} applies)
   */
  public record FileEntry(String path, long size, List<StoredObject> parts, String mode) {
    /** A file whose mode is not recorded. */
    public FileEntry(String path, long size, List<StoredObject> parts) {
      this(path, size, parts, null);
    }
  }

  /**
   * Returns a file's permission bits: the recorded mode, or {@link #DEFAULT_MODE}.
   *
   * @param f the file
   * @return the bits (0 to 0777)
   */
  public static int modeBits(FileEntry f) {
    return f.mode() == null ? DEFAULT_MODE : Integer.parseInt(f.mode(), 8) & 0777;
  }

  /** Returns the octal text of permission bits, as the manifest records them. */
  public static String modeText(int bits) {
    return String.format("%04o", bits & 0777);
  }

  /**
   * One table as seen at backup time.
   *
   * @param rows the exact row count
   * @param columns {@code name type} for each column, in column order
   */
  public record TableInfo(long rows, List<String> columns) {}

  /** Returns the total plaintext size. */
  public long size() {
    return files.stream().mapToLong(FileEntry::size).sum();
  }

  /** Returns the total stored size. */
  public long storedSize() {
    return files.stream().flatMap(f -> f.parts().stream()).mapToLong(StoredObject::storedSize).sum();
  }

  /** Returns every object, in manifest order. */
  public List<StoredObject> objects() {
    return files.stream().flatMap(f -> f.parts().stream()).toList();
  }
}
