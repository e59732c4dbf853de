package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.BackupKind;
import dev.lockplane.backup.BackupStorage;
import dev.lockplane.backup.Compression;
import dev.lockplane.backup.Progress;
import com.google.crypto.tink.StreamingAead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The repository's mechanics shared by every operation: ids, object keys, manifests (written last,
 * with a copy), listing, verification marks and deletion.
 */
public final class RepositoryEngine {
  /** The manifest's object name inside a backup. */
  public static final String MANIFEST = "manifest.json";
  /** The manifest copy's object name. */
  public static final String MANIFEST_COPY = "manifest.copy.json";
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** A backup id as {@link #newId} makes it: its start time to the second, then random digits. */
  private static final java.util.regex.Pattern NEW_ID = java.util.regex.Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]+");

  private final BackupStorage storage;
  private final Compression compression;
  private final StreamingAead aead;
  private final long keysetId;
  private final long keyId;
  private final String keyTemplate;
  private final long partSize;
  private final int parallelism;
  private final Staging staging;
  private static final System.Logger LOG = System.getLogger(RepositoryEngine.class.getName());

  /**
   * Creates an engine.
   *
   * @param storage the storage
   * @param compression compression of new backups
   * @param aead the keyset's primitive, or {@code null} for an unencrypted repository
   * @param keysetId the keyset id (ignored without a keyset)
   * @param keyId the primary key id (ignored without a keyset)
   * @param keyTemplate the primary key's parameters, as manifests record them (ignored without a keyset)
   * @param partSize the part size of new backups
   * @param parallelism how many parts are processed at once
   */
  public RepositoryEngine(BackupStorage storage, Compression compression, StreamingAead aead, long keysetId, long keyId,
      String keyTemplate, long partSize, int parallelism) {
    this.storage = storage;
    this.compression = compression;
    this.aead = aead;
    this.keysetId = keysetId;
    this.keyId = keyId;
    this.keyTemplate = keyTemplate;
    this.partSize = partSize;
    this.parallelism = parallelism;
    this.staging = Staging.of(storage);
  }

  /** Returns the local staging area for plaintext intermediate copies. */
  public Staging staging() {
    return staging;
  }

  /** Returns the storage. */
  public BackupStorage storage() {
    return storage;
  }

  /** Returns whether the repository was opened with a keyset. */
  public boolean hasKeys() {
    return aead != null;
  }

  /** Returns how many parts or files are processed at once. */
  public int parallelism() {
    return parallelism;
  }

  /** Returns a new backup id: the UTC start time and 6 random hex digits, so ids sort by start time. */
  public static String newId(Instant start) {
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    return ID_TIME.format(start) + "-" + HexFormat.of().formatHex(r);
  }

  /** Returns a codec for reading a backup, with the compression its manifest records. */
  public ObjectCodec codecFor(Manifest m) {
    return codecFor(m.compression(), m.encryption(), "Backup " + m.id(), m.id());
  }

  /**
   * Returns a codec for reading objects written with a recorded compression and encryption.
   *
   * @param compression the recorded compression
   * @param encryption the recorded encryption, or {@code null}
   * @param what what the objects belong to, for messages ({@code Backup ID}, {@code WAL segment NAME})
   * @param owner the backup id or archive the exception names
   * @return the codec
   * @throws BackupException {@code KEY_UNAVAILABLE} when the objects are encrypted and the repository has no keyset
   */
  public ObjectCodec codecFor(Manifest.CompressionInfo compression, Manifest.EncryptionInfo encryption, String what, String owner) {
    Compression c = new Compression(Compression.Algorithm.valueOf(compression.algorithm().toUpperCase(java.util.Locale.ROOT)),
        compression.level());
    if (encryption != null && aead == null) {
      throw new BackupException(ErrorCode.KEY_UNAVAILABLE,
          what + " is encrypted (keyset " + Long.toUnsignedString(encryption.keysetId()) + ", key "
              + Long.toUnsignedString(encryption.keyId()) + ") but the repository was opened without a keyset."
              + " Open it with encryptWith(keyset).", owner, null, null);
    }
    return new ObjectCodec(c, encryption == null ? null : aead);
  }

  /** Returns the codec new objects are written with. */
  public ObjectCodec writeCodec() {
    return new ObjectCodec(compression, aead);
  }

  /** Returns how new objects are compressed, as manifests record it. */
  public Manifest.CompressionInfo compressionInfo() {
    return new Manifest.CompressionInfo(compression.algorithm().name().toLowerCase(java.util.Locale.ROOT), compression.level());
  }

  /** Returns how new objects are encrypted, as manifests record it, or {@code null} when they are not. */
  public Manifest.EncryptionInfo encryptionInfo() {
    return aead == null ? null : new Manifest.EncryptionInfo(keyTemplate, keysetId, keyId);
  }

  /** What a backup source produced, beside the files. */
  public record Facts(BackupKind kind, String engine, String serverVersion, int serverMajor, List<String> databases,
      String systemIdentifier, String startWal, String stopWal, Integer timeline, List<String> directories,
      Map<String, Manifest.TableInfo> tables, Map<String, String> attributes, IncrementalFiles incremental) {
    /** The facts of a full backup. */
    public Facts(BackupKind kind, String engine, String serverVersion, int serverMajor, List<String> databases,
        String systemIdentifier, String startWal, String stopWal, Integer timeline, List<String> directories,
        Map<String, Manifest.TableInfo> tables, Map<String, String> attributes) {
      this(kind, engine, serverVersion, serverMajor, databases, systemIdentifier, startWal, stopWal, timeline, directories,
          tables, attributes, null);
    }
  }

  /**
   * Takes a backup: takes a lease, runs the source, checks that every object it wrote is in
   * storage with its recorded size, then writes the manifest and its copy and drops the lease. On
   * any failure every object of the backup is removed and no manifest is written.
   *
   * @param tags the tags
   * @param parent the parent backup, or {@code null}
   * @param progress the tracker
   * @param source runs the source against a writer and the backup id
   * @return the manifest
   */
  public Manifest backup(List<String> tags, String parent, ProgressTracker progress,
      java.util.function.BiFunction<DataWriter, String, Facts> source) {
    Instant start = Instant.now();
    String id = newId(start);
    progress.phase(Progress.Phase.PREPARING, -1, -1);
    Lease lease;
    try {
      lease = Lease.take(storage, id);
    } catch (IOException e) {
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "Cannot start backup " + id + ": its lease cannot be written to " + storage.describe() + ": "
              + Redaction.text(e) + ". Nothing was written; check the repository and retry.", id, null, Redaction.cause(e));
    }
    try (lease; DataWriter writer = new DataWriter(storage, new ObjectCodec(compression, aead), id, partSize, parallelism, progress)) {
      Facts f;
      List<Manifest.FileEntry> files;
      try {
        f = source.apply(writer, id);
        files = f.incremental() == null ? writer.finish() : f.incremental().assemble(writer.finish());
      } catch (RuntimeException e) {
        writer.abort();
        throw Redaction.safe(e, id);
      }
      try {
        writer.flush();
      } catch (IOException e) {
        writer.abort();
        throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
            "Backup " + id + " could not flush its objects to disk in " + storage.describe() + ": " + Redaction.text(e)
                + ". The partial backup was removed; check the disk and retry.", id, null, Redaction.cause(e));
      }
      Manifest.IncrementalInfo incremental = f.incremental() == null ? null : f.incremental().info();
      Manifest m = new Manifest(incremental == null ? Manifest.FORMAT_VERSION : Manifest.INCREMENTAL_FORMAT_VERSION, id,
          f.kind().name().toLowerCase(java.util.Locale.ROOT), f.engine(),
          f.serverVersion(), f.serverMajor(), f.databases(), f.systemIdentifier(), start.toString(),
          Instant.now().toString(), f.startWal(), f.stopWal(), f.timeline(), incremental == null ? parent : incremental.chain().get(0),
          new Manifest.CompressionInfo(compression.algorithm().name().toLowerCase(java.util.Locale.ROOT), compression.level()),
          aead == null ? null : new Manifest.EncryptionInfo(keyTemplate, keysetId, keyId),
          List.copyOf(new TreeSet<>(tags)), new TreeMap<>(f.attributes()), f.directories(), files, new TreeMap<>(f.tables()),
          incremental);
      progress.phase(Progress.Phase.MANIFEST, -1, -1);
      checkStored(id, files, writer);
      if (incremental != null) {
        try {
          // a prune that removed a link while this backup ran would leave it unrestorable
          IncrementalChain.requireStillStored(this, m);
        } catch (BackupException e) {
          writer.abort();
          throw new BackupException(e.code(), "Incremental backup " + id + " was not completed: " + e.getMessage(), id,
              e.objectKey().orElse(null), null);
        }
      }
      byte[] bytes = ManifestCodec.encode(m);
      String prefix = DataWriter.prefix(id);
      try {
        writeObject(prefix + MANIFEST_COPY, bytes);
        // the primary manifest goes last: its completion is what makes the backup exist
        writeObject(prefix + MANIFEST, bytes);
      } catch (IOException e) {
        deleteQuietly(prefix + MANIFEST);
        deleteQuietly(prefix + MANIFEST_COPY);
        writer.abort();
        throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
            "Cannot write the manifest of backup " + id + " to " + storage.describe() + ": " + Redaction.text(e)
                + (DataWriter.isDiskFull(e) ? ". The filesystem is full; the partial backup was removed. Free space and retry."
                    : ". The partial backup was removed."), id, prefix + MANIFEST, Redaction.cause(e));
      }
      progress.phase(Progress.Phase.DONE, m.size(), files.size());
      return m;
    }
  }

  /**
   * Refuses to publish a backup one of whose objects is no longer in storage as written (removed
   * by a prune that did not see the lease, or by anyone else): the manifest would describe data
   * that is not there.
   */
  private void checkStored(String id, List<Manifest.FileEntry> files, DataWriter writer) {
    StoredSizes sizes = new StoredSizes(storage);
    for (Manifest.FileEntry f : files) {
      for (StoredObject o : f.allObjects()) {
        String problem;
        try {
          long size = sizes.size(o);
          problem = size == o.storedSize() ? null
              : "has " + size + " bytes in storage where " + o.storedSize() + " were written";
        } catch (java.nio.file.NoSuchFileException e) {
          problem = "is missing from storage";
        } catch (IOException e) {
          problem = "cannot be checked (" + Redaction.text(e) + ")";
        }
        if (problem != null) {
          writer.abort();
          throw new BackupException(ErrorCode.CORRUPTED, "Backup " + id + " was not completed: its object " + o.key()
              + " (of " + f.path() + ") " + problem + " in " + storage.describe() + ", removed or changed while the"
              + " backup ran (by a prune or another process). No manifest was written and the partial backup was"
              + " removed; take the backup again.", id, o.key(), null);
        }
      }
    }
  }

  private void writeObject(String key, byte[] bytes) throws IOException {
    try (OutputStream out = storage.create(key)) {
      out.write(bytes);
    }
  }

  private void deleteQuietly(String key) {
    try {
      storage.delete(key);
    } catch (IOException ignored) {
      // prune removes what is left
    }
  }

  /** Reads a whole object. */
  public byte[] readObject(String key) throws IOException {
    try (InputStream in = storage.open(key)) {
      return in.readAllBytes();
    }
  }

  /**
   * Reads a backup's manifest: the primary, or the copy when the primary is missing or damaged.
   *
   * @param id the backup id
   * @return the manifest
   * @throws BackupException {@code NOT_FOUND} or {@code CORRUPTED}
   */
  public Manifest manifest(String id) {
    if (!id.matches("[0-9A-Za-z_.-]+")) {
      throw new BackupException(ErrorCode.NOT_FOUND, "'" + id + "' is not a backup id.", id, null, null);
    }
    String prefix = DataWriter.prefix(id);
    List<String> reasons = new ArrayList<>();
    for (String name : List.of(MANIFEST, MANIFEST_COPY)) {
      if (name.equals(MANIFEST_COPY) && reasons.get(0).endsWith("is missing")) {
        // the copy is written first: without the primary the backup never completed
        break;
      }
      try {
        Manifest m = ManifestCodec.decode(readObject(prefix + name));
        // a manifest naming foreign or escaping keys was forged: refused, never replaced by its copy
        if (!m.id().equals(id)) {
          reasons.add(name + " belongs to backup " + m.id());
          continue;
        }
        return m;
      } catch (java.nio.file.NoSuchFileException e) {
        reasons.add(name + " is missing");
      } catch (IOException e) {
        reasons.add(name + " cannot be read: " + Redaction.text(e));
      } catch (ManifestCodec.UnsafeManifest e) {
        throw unsafe(id, prefix + name, e);
      } catch (ManifestCodec.InvalidManifest e) {
        reasons.add(name + " " + e.getMessage());
      }
    }
    boolean none = reasons.get(0).endsWith("is missing");
    throw new BackupException(none ? ErrorCode.NOT_FOUND : ErrorCode.CORRUPTED,
        none ? "No backup '" + id + "' in " + storage.describe() + ". List backups to see the ids."
            : "Backup " + id + " has no usable manifest: " + String.join("; ", reasons), id, prefix + MANIFEST, null);
  }

  /**
   * Returns the error for a manifest that names an object key or path escaping the backup.
   *
   * @param id the backup
   * @param manifestKey the manifest's key
   * @param e what the codec found
   * @return a {@code CORRUPTED} exception naming the backup and the key
   */
  public static BackupException unsafe(String id, String manifestKey, ManifestCodec.UnsafeManifest e) {
    return new BackupException(ErrorCode.CORRUPTED, "Backup " + id + " is corrupted: " + manifestKey + " " + e.getMessage()
        + ". It was refused and nothing was read or written; the manifest was tampered with or is not a Lockplane"
        + " manifest. Remove the backup, or restore the repository from a trusted copy.", id, e.name(), null);
  }

  /** Returns the ids that have objects, complete or not, sorted. */
  public Map<String, List<String>> objectsByBackup() throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    for (String k : storage.list("backups/")) {
      String rest = k.substring("backups/".length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        out.computeIfAbsent(rest.substring(0, slash), x -> new ArrayList<>()).add(k);
      }
    }
    return out;
  }

  /**
   * Returns the newest complete backup whose manifest a test accepts, newest as {@link #list} orders
   * them (start time, then id), or {@code null}. Manifests are read newest first and the search
   * stops at the first accepted, so finding an incremental's parent reads one or two manifests
   * where {@code list} reads every one (on S3 each is a request, and a large manifest to parse). A
   * backup whose manifest cannot be read is skipped, as {@code list} skips it.
   *
   * @param accept the test
   * @return the newest accepted backup's manifest, or {@code null}
   */
  public Manifest newest(java.util.function.Predicate<Manifest> accept) {
    Map<String, List<String>> all;
    try {
      all = objectsByBackup();
    } catch (IOException e) {
      throw listFailure(e);
    }
    // ids start with their start time to the second: a second's backups (or every backup, when some
    // id was made otherwise) are put in order by their manifests' start times
    TreeMap<String, List<String>> bySecond = new TreeMap<>(Comparator.reverseOrder());
    boolean byTime = all.keySet().stream().allMatch(id -> NEW_ID.matcher(id).matches());
    for (Map.Entry<String, List<String>> e : all.entrySet()) {
      if (e.getValue().contains(DataWriter.prefix(e.getKey()) + MANIFEST)) {
        bySecond.computeIfAbsent(byTime ? e.getKey().substring(0, e.getKey().indexOf('-')) : "", k -> new ArrayList<>())
            .add(e.getKey());
      }
    }
    for (List<String> ids : bySecond.values()) {
      List<Manifest> group = new ArrayList<>();
      for (String id : ids) {
        try {
          group.add(manifest(id));
        } catch (BackupException ex) {
          LOG.log(System.Logger.Level.WARNING, "Backup " + id + " is skipped: " + ex.code() + ": "
              + Redaction.text(ex.getMessage()));
        }
      }
      group.sort(Comparator.comparing((Manifest m) -> Instant.parse(m.startTime())).thenComparing(Manifest::id).reversed());
      for (Manifest m : group) {
        if (accept.test(m)) {
          return m;
        }
      }
    }
    return null;
  }

  private BackupException listFailure(IOException e) {
    return new BackupException(ErrorCode.IO_ERROR, "Cannot list " + storage.describe() + ": " + Redaction.text(e), null, null,
        Redaction.cause(e));
  }

  /** Returns every complete backup, sorted by start time, then id. */
  public List<Backup> list() {
    try {
      List<Backup> out = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : objectsByBackup().entrySet()) {
        String prefix = DataWriter.prefix(e.getKey());
        if (!e.getValue().contains(prefix + MANIFEST)) {
          continue;
        }
        try {
          out.add(summary(manifest(e.getKey()), e.getValue()));
        } catch (BackupException ex) {
          // a damaged backup is left out of the list (verify and show name it); the log says why
          LOG.log(System.Logger.Level.WARNING, "Backup " + e.getKey() + " is not listed: " + ex.code() + ": "
              + Redaction.text(ex.getMessage()));
        }
      }
      out.sort(Comparator.comparing(Backup::startTime).thenComparing(Backup::id));
      return out;
    } catch (IOException e) {
      throw listFailure(e);
    }
  }

  /**
   * Returns the summary of a backup this engine has just written, from its manifest in memory: a
   * new backup has no verification yet, and reading back and parsing what was just written took an
   * incremental of a 1 GB cluster 20–70 ms.
   *
   * @param m the manifest {@link #backup} returned
   * @return its summary
   */
  public Backup summaryOf(Manifest m) {
    return summary(m, List.of());
  }

  /** Returns the summary of one backup. */
  public Backup show(String id) {
    Manifest m = manifest(id);
    try {
      return summary(m, storage.list(DataWriter.prefix(id) + "verified/"));
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot list " + storage.describe() + ": " + Redaction.text(e), id, null,
          Redaction.cause(e));
    }
  }

  private Backup summary(Manifest m, List<String> keys) {
    Instant verified = null;
    String marks = DataWriter.prefix(m.id()) + "verified/";
    for (String k : keys) {
      if (k.startsWith(marks)) {
        String stamp = k.substring(marks.length()).replace(".json", "");
        Instant t = Instant.parse(stamp.substring(0, stamp.indexOf('_')));
        verified = verified == null || t.isAfter(verified) ? t : verified;
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    m.tables().forEach((k, v) -> counts.put(k, v.rows()));
    return new Backup(m.id(), BackupKind.valueOf(m.kind().toUpperCase(java.util.Locale.ROOT)), Instant.parse(m.startTime()),
        Instant.parse(m.stopTime()), m.tags(), m.databases(), m.serverVersion(), m.size(), m.storedSize(),
        m.ownObjects().size(), m.encryption() == null ? -1 : m.encryption().keyId(), m.parent(), counts, verified,
        m.incrementalBackup());
  }

  /** Records that a backup passed a verification, as a new object (objects are never rewritten). */
  public void markVerified(String id, String depth) {
    String key = DataWriter.prefix(id) + "verified/" + Instant.now() + "_" + depth + ".json";
    try {
      writeObject(key, ("{\"depth\":\"" + depth + "\"}\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot record the verification of " + id + ": " + Redaction.text(e), id, key,
          Redaction.cause(e));
    }
  }

  /** Deletes every object of a backup, the manifest first so it stops existing before its data goes. */
  public void delete(String id, List<String> keys) throws IOException {
    String prefix = DataWriter.prefix(id);
    storage.delete(prefix + MANIFEST);
    storage.delete(prefix + MANIFEST_COPY);
    for (String k : keys) {
      storage.delete(k);
    }
  }

  /** Returns the compression of new backups. */
  public Compression compression() {
    return compression;
  }
}
