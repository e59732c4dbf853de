package dev.lockplane.internal.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
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
 * @param incremental for an incremental backup, its chain and method; {@code null} for a full backup
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
    Map<String, TableInfo> tables,
    @JsonInclude(JsonInclude.Include.NON_NULL) IncrementalInfo incremental) {

  /** The current manifest format version of full backups. */
  public static final int FORMAT_VERSION = 1;
  /**
   * The format version of incremental backups: a Lockplane that predates them refuses such a
   * manifest instead of restoring its files without their parent's.
   */
  public static final int INCREMENTAL_FORMAT_VERSION = 2;

  /** A full backup's manifest. */
  public Manifest(int formatVersion, String id, String kind, String engine, String serverVersion, int serverMajor,
      List<String> databases, String systemIdentifier, String startTime, String stopTime, String startWal, String stopWal,
      Integer timeline, String parent, CompressionInfo compression, EncryptionInfo encryption, List<String> tags,
      Map<String, String> attributes, List<String> directories, List<FileEntry> files, Map<String, TableInfo> tables) {
    this(formatVersion, id, kind, engine, serverVersion, serverMajor, databases, systemIdentifier, startTime, stopTime,
        startWal, stopWal, timeline, parent, compression, encryption, tags, attributes, directories, files, tables, null);
  }

  /**
   * What makes a backup incremental.
   *
   * @param chain the backups it depends on, its parent first and the full backup last
   * @param method {@code block} (changed relation blocks from WAL summaries, PostgreSQL 17+) or
   *     {@code file} (unchanged files and parts referenced by checksum)
   * @param note why the method is {@code file} where {@code block} was possible, or {@code null}
   */
  public record IncrementalInfo(List<String> chain, String method, @JsonInclude(JsonInclude.Include.NON_NULL) String note) {}

  /**
   * Changed blocks of a relation file, applied over the file's earlier content on restore.
   *
   * @param size the file's size after applying
   * @param blockSize the block size
   * @param blocks how many blocks the delta holds
   * @param parts the objects holding the delta: per block, its number (4 bytes, big-endian) and content
   */
  public record BlockDelta(long size, int blockSize, long blocks, List<StoredObject> parts) {}

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
   * @param deltas block deltas applied in order over the content of {@code parts}, or {@code null};
   *     in an incremental backup, parts and deltas may be objects of the backups it depends on
   */
  public record FileEntry(String path, long size, List<StoredObject> parts, String mode,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<BlockDelta> deltas) {
    /** A file whose mode is not recorded. */
    public FileEntry(String path, long size, List<StoredObject> parts) {
      this(path, size, parts, null, null);
    }

    /** A file stored whole. */
    public FileEntry(String path, long size, List<StoredObject> parts, String mode) {
      this(path, size, parts, mode, null);
    }

    /** Returns whether restoring the file applies block deltas. */
    public boolean hasDeltas() {
      return deltas != null && !deltas.isEmpty();
    }

    /** Returns every object the file's content is read from: its parts, then its deltas' parts. */
    public List<StoredObject> allObjects() {
      if (!hasDeltas()) {
        return parts;
      }
      List<StoredObject> out = new ArrayList<>(parts);
      deltas.forEach(d -> out.addAll(d.parts()));
      return out;
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
  public record TableInfo(long rows, List<String> columns) {
    /** The row count of a table whose rows were not counted (a backup taken without row counts). */
    public static final long NOT_COUNTED = -1;

    /** Whether the rows were counted. */
    public boolean counted() {
      return rows != NOT_COUNTED;
    }
  }

  /** Returns the total plaintext size. */
  public long size() {
    return files.stream().mapToLong(FileEntry::size).sum();
  }

  /** Returns the size this backup stores itself: its own objects, not those of the backups it depends on. */
  public long storedSize() {
    return ownObjects().stream().mapToLong(StoredObject::storedSize).sum();
  }

  /** Returns every object a restore reads, its own and its chain's, in manifest order. */
  public List<StoredObject> objects() {
    return files.stream().flatMap(f -> f.allObjects().stream()).toList();
  }

  /** Returns the objects this backup stored itself, in manifest order. */
  public List<StoredObject> ownObjects() {
    return objects().stream().filter(o -> ObjectKeys.isDataObjectOf(id, o.key())).toList();
  }

  /** Returns whether this is an incremental backup. */
  public boolean incrementalBackup() {
    return incremental != null;
  }

  /** Returns the backups this one depends on, its parent first; empty for a full backup. */
  public List<String> chain() {
    return incremental == null ? List.of() : incremental.chain();
  }
}
