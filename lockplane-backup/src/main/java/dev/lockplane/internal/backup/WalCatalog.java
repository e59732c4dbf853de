package dev.lockplane.internal.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The WAL archive inside a repository. Per server (by system identifier), under
 * {@code wal/SYSID/}: {@code data/NAME-RANDOM} holds a file compressed, encrypted and checksummed
 * like any backup object, and {@code segments/NAME.json} (or {@code history/NAME.json}), written
 * after it, is its manifest. A file is archived once its manifest exists, so a crash between the two
 * leaves only an orphan object (prune removes it) and the file is archived again, never twice.
 */
public final class WalCatalog {
  /** The key prefix of every WAL object. */
  public static final String ROOT = "wal/";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final System.Logger LOG = System.getLogger(WalCatalog.class.getName());

  private final RepositoryEngine engine;

  /**
   * Creates the catalog of a repository.
   *
   * @param engine the repository
   */
  public WalCatalog(RepositoryEngine engine) {
    this.engine = engine;
  }

  /**
   * What {@link #store} did.
   *
   * @param entry the file's manifest
   * @param now whether the file was archived now (false: the same file was already archived)
   */
  public record Stored(WalEntry entry, boolean now) {}

  private static String prefix(String sysid) {
    return ROOT + sysid + "/";
  }

  private static String manifestKey(String sysid, String name) {
    return prefix(sysid) + (WalNames.isSegment(name) ? "segments/" : "history/") + name + ".json";
  }

  /** The associated data owner of a server's WAL objects: binds each object to its server and key. */
  private static String owner(String sysid) {
    return "wal/" + sysid;
  }

  /** Returns the system identifiers with archived WAL, sorted. */
  public List<String> systems() {
    try {
      java.util.TreeSet<String> out = new java.util.TreeSet<>();
      for (String k : engine.storage().list(ROOT)) {
        String rest = k.substring(ROOT.length());
        int slash = rest.indexOf('/');
        if (slash > 0) {
          out.add(rest.substring(0, slash));
        }
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw listing(e);
    }
  }

  /**
   * Returns the names of a server's archived segments (those with a manifest), sorted by name.
   *
   * @param sysid the system identifier
   * @return the names
   */
  public List<String> segmentNames(String sysid) {
    return names(sysid, "segments/");
  }

  /**
   * Reads the manifests of a server's archived segments, ordered by segment number (then by name,
   * so by timeline).
   *
   * @param sysid the system identifier
   * @return the manifests
   */
  public List<WalEntry> segmentEntries(String sysid) {
    List<WalEntry> out = new ArrayList<>();
    for (String n : segmentNames(sysid)) {
      out.add(entry(sysid, n));
    }
    out.sort(java.util.Comparator.comparingLong(WalEntry::segno).thenComparing(WalEntry::name));
    return out;
  }

  /** Returns the names of a server's archived timeline history files, sorted. */
  public List<String> historyNames(String sysid) {
    return names(sysid, "history/");
  }

  private List<String> names(String sysid, String folder) {
    try {
      List<String> out = new ArrayList<>();
      String p = prefix(sysid) + folder;
      for (String k : engine.storage().list(p)) {
        if (k.endsWith(".json") && k.indexOf('/', p.length()) < 0) {
          out.add(k.substring(p.length(), k.length() - ".json".length()));
        }
      }
      return out;
    } catch (IOException e) {
      throw listing(e);
    }
  }

  /**
   * Reads a file's manifest and checks it.
   *
   * @param sysid the system identifier
   * @param name the file name
   * @return the manifest
   * @throws BackupException {@code NOT_FOUND} or {@code CORRUPTED}, naming the file and the key
   */
  public WalEntry entry(String sysid, String name) {
    String key = manifestKey(sysid, name);
    byte[] bytes;
    try {
      bytes = engine.readObject(key);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new BackupException(ErrorCode.NOT_FOUND, "WAL file " + name + " of server " + sysid + " is not in the archive in "
          + engine.storage().describe() + ".", null, key, null);
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot read " + key + " from " + engine.storage().describe() + ": "
          + Redaction.text(e), null, key, Redaction.cause(e));
    }
    String problem;
    try {
      JsonNode envelope = ManifestCodec.JSON.readTree(bytes);
      JsonNode tree = envelope == null ? null : envelope.get("entry");
      if (tree == null || !envelope.path("sha256").isTextual()) {
        problem = "lacks the entry or its checksum";
      } else if (!checksum(tree).equals(envelope.get("sha256").asText())) {
        problem = "fails its checksum";
      } else {
        WalEntry e = ManifestCodec.JSON.treeToValue(tree, WalEntry.class);
        String dataPrefix = prefix(sysid) + "data/" + name + "-";
        if (e.formatVersion() != WalEntry.FORMAT_VERSION) {
          problem = "has format version " + e.formatVersion() + "; this Lockplane reads " + WalEntry.FORMAT_VERSION;
        } else if (!name.equals(e.name()) || !sysid.equals(e.systemIdentifier()) || e.object() == null
            || !ObjectKeys.isSafe(e.object().key()) || !e.object().key().startsWith(dataPrefix)
            || e.object().key().indexOf('/', dataPrefix.length()) >= 0) {
          problem = "names another file or an object outside " + prefix(sysid) + "data/";
        } else {
          return e;
        }
      }
    } catch (IOException e) {
      problem = "is not valid JSON";
    }
    throw new BackupException(ErrorCode.CORRUPTED, "The manifest of WAL file " + name + " (" + key + ") " + problem
        + ". The file cannot be used: recovery stops before it.", null, key, null);
  }

  /**
   * Archives a file unless it is already archived with the same content.
   *
   * @param sysid the system identifier
   * @param name the file name
   * @param timeline its timeline
   * @param startLsn its first position (segments) or {@code null}
   * @param endLsn the position after it (segments) or {@code null}
   * @param segmentSize the segment size (segments) or 0
   * @param data the file's bytes
   * @param length how many of them
   * @param method {@code stream} or {@code push}
   * @return what was done
   * @throws BackupException {@code ALREADY_EXISTS} when a different file of that name is archived
   */
  public Stored store(String sysid, String name, int timeline, String startLsn, String endLsn, long segmentSize,
      byte[] data, int length, String method) {
    String key = manifestKey(sysid, name);
    String sha = ObjectCodec.hex(sha256(data, length));
    boolean exists;
    try {
      engine.storage().size(key);
      exists = true;
    } catch (java.nio.file.NoSuchFileException e) {
      exists = false;
    } catch (IOException e) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot check " + key + " in " + engine.storage().describe() + ": "
          + Redaction.text(e), null, key, Redaction.cause(e));
    }
    if (exists) {
      WalEntry old = entry(sysid, name);
      if (old.object().sha256().equals(sha)) {
        return new Stored(old, false);
      }
      throw new BackupException(ErrorCode.ALREADY_EXISTS, "WAL file " + name + " of server " + sysid + " is already archived"
          + " with other content (SHA-256 " + old.object().sha256() + ", this one " + sha + "). Two servers with one system"
          + " identifier archive into " + engine.storage().describe() + ", or the server was restored without starting a"
          + " new timeline: give each its own repository.", null, key, null);
    }
    WalIndex index = WalNames.isSegment(name) ? index(name, data, length) : null;
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    String dataKey = prefix(sysid) + "data/" + name + "-" + HexFormat.of().formatHex(r);
    try {
      StoredObject o = engine.writeCodec().write(engine.storage(), owner(sysid), dataKey,
          new ByteArrayInputStream(data, 0, length), length, n -> {});
      WalEntry e = new WalEntry(WalEntry.FORMAT_VERSION, sysid, name, WalNames.isSegment(name) ? "segment" : "history",
          timeline, startLsn, endLsn, segmentSize, Instant.now().toString(), method, engine.compressionInfo(),
          engine.encryptionInfo(), o, index);
      try (OutputStream out = engine.storage().create(key)) {
        out.write(encode(e));
      }
      return new Stored(e, true);
    } catch (IOException e) {
      try {
        engine.storage().delete(dataKey);
      } catch (IOException ignored) {
        // prune removes data objects without a manifest
      }
      throw new BackupException(DataWriter.isDiskFull(e) ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR, "Cannot archive WAL file "
          + name + " into " + engine.storage().describe() + ": " + Redaction.text(e) + ". It was not archived; the"
          + " archiver retries it.", null, key, Redaction.cause(e));
    }
  }

  private static WalIndex index(String name, byte[] data, int length) {
    WalIndex index;
    try {
      index = WalRecords.index(data, length);
    } catch (RuntimeException e) {
      // the decoder reports what it cannot read; this is for what it did not foresee
      index = new WalIndex(0, null, List.of(), 0, 0, null, null, "cannot decode the segment (" + e + ")");
    }
    if (!index.complete()) {
      LOG.log(System.Logger.Level.DEBUG, "WAL segment " + name + " is indexed only through " + index.through() + ": "
          + index.incomplete());
    }
    return index;
  }

  /**
   * Writes an archived file's plaintext, checking sizes and both checksums.
   *
   * @param e the file's manifest
   * @param out where to write
   * @throws BackupException {@code CORRUPTED} naming the object when it does not match its manifest
   */
  public void fetch(WalEntry e, OutputStream out) {
    ObjectCodec codec = engine.codecFor(e.compression(), e.encryption(), "WAL file " + e.name(), owner(e.systemIdentifier()));
    try (InputStream in = codec.read(engine.storage(), owner(e.systemIdentifier()), e.object())) {
      in.transferTo(out);
    } catch (java.nio.file.NoSuchFileException x) {
      throw new BackupException(ErrorCode.CORRUPTED, "The object " + e.object().key() + " of WAL file " + e.name()
          + " is missing from " + engine.storage().describe() + ". The file cannot be used: recovery stops before it.",
          null, e.object().key(), null);
    } catch (BackupException x) {
      throw new BackupException(x.code(), "WAL file " + e.name() + " is damaged: " + x.getMessage(), null, e.object().key(), null);
    } catch (IOException x) {
      throw new BackupException(ErrorCode.IO_ERROR, "Cannot read WAL file " + e.name() + " (" + e.object().key() + "): "
          + Redaction.text(x), null, e.object().key(), Redaction.cause(x));
    }
  }

  /**
   * Deletes an archived file, its manifest first so it stops being archived before its data goes.
   *
   * @param e the file's manifest
   * @throws IOException when the storage refuses
   */
  public void delete(WalEntry e) throws IOException {
    engine.storage().delete(manifestKey(e.systemIdentifier(), e.name()));
    engine.storage().delete(e.object().key());
  }

  /**
   * Returns a server's data objects that no manifest names (left by an archiver that died between
   * the object and its manifest).
   *
   * @param sysid the system identifier
   * @return their keys
   */
  public List<String> orphans(String sysid) {
    try {
      Map<String, String> named = new TreeMap<>();
      for (String n : segmentNames(sysid)) {
        named.put(n, n);
      }
      for (String n : historyNames(sysid)) {
        named.put(n, n);
      }
      List<String> out = new ArrayList<>();
      String p = prefix(sysid) + "data/";
      for (String k : engine.storage().list(p)) {
        String rest = k.substring(p.length());
        int dash = rest.lastIndexOf('-');
        String name = dash < 0 ? rest : rest.substring(0, dash);
        if (!named.containsKey(name) || !entry(sysid, name).object().key().equals(k)) {
          out.add(k);
        }
      }
      return out;
    } catch (IOException e) {
      throw listing(e);
    }
  }

  /** Returns the storage's description for messages. */
  public String describe() {
    return engine.storage().describe();
  }

  /**
   * Summarizes what is archived for a server.
   *
   * @param sysid the system identifier
   * @return the summary, or {@code null} when no segment is archived
   */
  public dev.lockplane.backup.WalArchiveSummary summary(String sysid) {
    List<String> names = segmentNames(sysid);
    if (names.isEmpty()) {
      return null;
    }
    long segSize = entry(sysid, names.get(names.size() - 1)).segmentSize();
    java.util.TreeMap<Long, String> bySegno = new java.util.TreeMap<>();
    java.util.TreeSet<Integer> timelines = new java.util.TreeSet<>();
    for (String n : names) {
      bySegno.put(WalNames.segnoOf(n, segSize), n);
      timelines.add(WalNames.timelineOf(n));
    }
    List<String> gaps = new ArrayList<>();
    Long previous = null;
    for (long s : bySegno.keySet()) {
      if (previous != null && s > previous + 1) {
        int tli = WalNames.timelineOf(bySegno.get(previous));
        gaps.add(WalNames.segmentName(tli, previous + 1, segSize) + ".." + WalNames.segmentName(tli, s - 1, segSize));
      }
      previous = s;
    }
    WalEntry last = entry(sysid, bySegno.lastEntry().getValue());
    List<WalEntry> entries = segmentEntries(sysid);
    IndexedWal.LastCommit lastCommit = IndexedWal.lastCommit(entries);
    return new dev.lockplane.backup.WalArchiveSummary(sysid, names.size(), bySegno.firstEntry().getValue(), last.name(),
        last.endLsn(), Instant.parse(last.archivedAt()), gaps, List.copyOf(timelines), IndexedWal.published(entries),
        lastCommit == null ? null : lastCommit.time(), IndexedWal.unindexed(entries).size());
  }

  private BackupException listing(IOException e) {
    return new BackupException(ErrorCode.IO_ERROR, "Cannot list the WAL archive in " + engine.storage().describe() + ": "
        + Redaction.text(e), null, null, Redaction.cause(e));
  }

  private static byte[] encode(WalEntry e) throws IOException {
    JsonNode tree = ManifestCodec.JSON.valueToTree(e);
    ObjectNode envelope = ManifestCodec.JSON.createObjectNode();
    envelope.set("entry", tree);
    envelope.put("sha256", checksum(tree));
    return ManifestCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope);
  }

  private static String checksum(JsonNode tree) throws IOException {
    return ObjectCodec.hex(ObjectCodec.sha256().digest(ManifestCodec.JSON.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[] data, int length) {
    java.security.MessageDigest d = ObjectCodec.sha256();
    d.update(data, 0, length);
    return d.digest();
  }
}
