package dev.lockplane.internal.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes and reads manifests. The file is {@code {"manifest": {...}, "sha256": "..."}} where the
 * checksum covers the canonical form of the manifest object (compact JSON, keys sorted), so a
 * manifest that was edited, truncated or bit-flipped is rejected.
 */
public final class ManifestCodec {
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private ManifestCodec() {}

  /** Returns the manifest file's bytes. */
  public static byte[] encode(Manifest m) {
    try {
      JsonNode tree = JSON.valueToTree(m);
      ObjectNode envelope = JSON.createObjectNode();
      envelope.set("manifest", tree);
      envelope.put("sha256", checksum(tree));
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize a manifest", e);
    }
  }

  /**
   * Parses a manifest file and checks its checksum and format version.
   *
   * @param bytes the file's bytes
   * @return the manifest
   * @throws InvalidManifest when it is not a valid manifest
   */
  public static Manifest decode(byte[] bytes) throws InvalidManifest {
    JsonNode envelope;
    try {
      envelope = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidManifest("is not valid JSON (" + firstLine(e) + ")");
    }
    if (envelope == null || !envelope.has("manifest") || !envelope.path("sha256").isTextual()) {
      throw new InvalidManifest("lacks the manifest or its checksum");
    }
    JsonNode tree = envelope.get("manifest");
    String expected = envelope.get("sha256").asText();
    String actual;
    try {
      actual = checksum(tree);
    } catch (IOException e) {
      throw new InvalidManifest("cannot be canonicalized");
    }
    if (!actual.equals(expected)) {
      throw new InvalidManifest("fails its checksum (recorded " + expected + ", computed " + actual + ")");
    }
    int version = tree.path("formatVersion").asInt(-1);
    if (version != Manifest.FORMAT_VERSION && version != Manifest.INCREMENTAL_FORMAT_VERSION) {
      throw new InvalidManifest("has format version " + version + "; this Lockplane reads versions "
          + Manifest.FORMAT_VERSION + " and " + Manifest.INCREMENTAL_FORMAT_VERSION + ". Use a Lockplane version that knows it.");
    }
    Manifest m;
    try {
      m = JSON.treeToValue(tree, Manifest.class);
    } catch (IOException e) {
      throw new InvalidManifest("does not have the expected fields (" + firstLine(e) + ")");
    }
    if (m.id() == null || !m.id().matches("[0-9A-Za-z_.-]+") || m.files() == null || m.directories() == null) {
      throw new InvalidManifest("does not have the expected fields (id, files, directories)");
    }
    if ((m.incremental() != null) != (version == Manifest.INCREMENTAL_FORMAT_VERSION)
        || m.incremental() != null && (m.incremental().chain() == null || m.incremental().chain().isEmpty()
            || !m.incremental().chain().get(0).equals(m.parent()))) {
      throw new InvalidManifest("does not have the expected fields (an incremental backup has format version "
          + Manifest.INCREMENTAL_FORMAT_VERSION + " and a chain starting at its parent)");
    }
    checkNames(m);
    return m;
  }

  /**
   * Refuses a manifest naming an object outside its own backup or a path leaving the restore
   * target. Such a manifest has a valid checksum, so it was written on purpose: it is refused
   * outright, never replaced by its copy.
   */
  private static void checkNames(Manifest m) throws InvalidManifest {
    for (String d : m.directories()) {
      if (!ObjectKeys.isRelativePath(d)) {
        throw new UnsafeManifest(d, "names the directory '" + d + "', which escapes the restore target");
      }
    }
    for (Manifest.FileEntry f : m.files()) {
      if (!ObjectKeys.isRelativePath(f.path())) {
        throw new UnsafeManifest(f.path(), "names the path '" + f.path() + "', which escapes the restore target");
      }
      if (f.mode() != null && !f.mode().matches("0?[0-7]{3}")) {
        throw new UnsafeManifest(f.path(), "records the mode '" + f.mode() + "' for '" + f.path() + "', which is not a permission mode");
      }
      if (f.parts() == null || f.deltas() != null && f.deltas().stream().anyMatch(d -> d == null || d.parts() == null)) {
        throw new InvalidManifest("does not have the expected fields (parts of " + f.path() + ")");
      }
      for (StoredObject o : f.allObjects()) {
        if (o == null || !ownedByChain(m, o.key())) {
          String key = o == null ? "null" : o.key();
          throw new UnsafeManifest(key, "names the object key '" + key + "', which is outside the backup's own data ("
              + DataWriter.prefix(m.id()) + "data/)" + (m.incrementalBackup() ? " and that of the backups it depends on" : ""));
        }
      }
    }
  }

  /** An incremental backup reads objects of the backups it depends on, and of no other. */
  private static boolean ownedByChain(Manifest m, String key) {
    if (ObjectKeys.isDataObjectOf(m.id(), key)) {
      return true;
    }
    for (String ancestor : m.chain()) {
      if (ancestor != null && ancestor.matches("[0-9A-Za-z_.-]+") && ObjectKeys.isDataObjectOf(ancestor, key)) {
        return true;
      }
    }
    return false;
  }

  private static String checksum(JsonNode tree) throws IOException {
    byte[] canonical = JSON.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
    return ObjectCodec.hex(ObjectCodec.sha256().digest(canonical));
  }

  private static String firstLine(IOException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** A manifest that cannot be trusted; the message says why. */
  public static class InvalidManifest extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidManifest(String message) {
      super(message);
    }
  }

  /** A manifest with a valid checksum that names a key or path escaping the repository or the target. */
  public static final class UnsafeManifest extends InvalidManifest {
    private static final long serialVersionUID = 1L;
    private final String name;

    UnsafeManifest(String name, String message) {
      super(message);
      this.name = name;
    }

    /** Returns the offending object key or path. */
    public String name() {
      return name;
    }
  }
}
