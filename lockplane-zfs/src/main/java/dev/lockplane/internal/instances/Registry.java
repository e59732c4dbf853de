package dev.lockplane.internal.instances;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The JSON file on the store that lists the golden, the snapshots and the clones, so that a later
 * manager (in another JVM, after a crash or a SIGKILL) finds them. It is replaced atomically
 * (written to a temporary file, synced, renamed), so a reader sees the old or the new content, never
 * half of one. Keys are sorted, for stable diffs.
 */
final class Registry {
  static final int FORMAT = 1;
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /**
   * A snapshot.
   *
   * @param name its name in the API
   * @param volume the storage volume it is a snapshot of
   * @param storageSnapshot the storage snapshot's name
   * @param createdAt when it was taken (ISO-8601)
   * @param description where it came from
   * @param golden whether it is the current golden
   * @param goldenHash the golden content hash, for goldens
   * @param dataStateAt the time the snapshot's data is from (ISO-8601), or null in registries written
   *     before it was recorded, where {@code createdAt} stands in
   * @param masking for a masked golden, its masking report as JSON; else null
   * @param subset for a subset golden, its subset report as JSON; else null
   */
  record SnapshotRecord(
      String name, String volume, String storageSnapshot, String createdAt, String description,
      boolean golden, String goldenHash, String dataStateAt, String masking, String subset) {

    /** A snapshot without preparation reports. */
    SnapshotRecord(String name, String volume, String storageSnapshot, String createdAt, String description,
        boolean golden, String goldenHash, String dataStateAt) {
      this(name, volume, storageSnapshot, createdAt, description, golden, goldenHash, dataStateAt, null, null);
    }

    /** Returns the time the data is from, {@code createdAt} when not recorded. */
    java.time.Instant dataState() {
      return java.time.Instant.parse(dataStateAt != null ? dataStateAt : createdAt);
    }
  }

  /**
   * A clone.
   *
   * @param name its name
   * @param volume its current storage volume
   * @param generation how many times it was reset (part of the volume name)
   * @param snapshot the snapshot it copies
   * @param port its server's port
   * @param pid its postmaster's pid, or -1
   * @param user its role
   * @param password its role's password
   * @param database the database it connects to
   * @param createdAt when it was created or last reset (ISO-8601)
   * @param lastActive when a session was last seen (ISO-8601)
   * @param state its state
   * @param failure why it is FATAL, or null
   * @param protect whether it is protected
   */
  record CloneRecord(
      String name, String volume, int generation, String snapshot, int port, long pid, String user,
      String password, String database, String createdAt, String lastActive, String state,
      String failure, boolean protect) {}

  /**
   * The whole file.
   *
   * @param format the format version
   * @param store the store's id
   * @param snapshots the snapshots
   * @param clones the clones
   * @param retiredVolumes volumes of destroyed or reset clones that still hold snapshots
   */
  record Data(int format, String store, List<SnapshotRecord> snapshots, List<CloneRecord> clones, List<String> retiredVolumes) {}

  private final Path file;

  Registry(Path stateDirectory) {
    this.file = stateDirectory.resolve("registry.json");
  }

  Path file() {
    return file;
  }

  Data read(String store) {
    if (!Files.isRegularFile(file)) {
      return new Data(FORMAT, store, List.of(), List.of(), List.of());
    }
    try {
      Data d = JSON.readValue(file.toFile(), Data.class);
      if (d.format() != FORMAT) {
        throw new LockplaneException(
            ErrorCode.UNSUPPORTED, "Clone registry " + file + " has format " + d.format() + "; this Lockplane reads format " + FORMAT + ".");
      }
      return new Data(FORMAT, store, nn(d.snapshots()), nn(d.clones()), nn(d.retiredVolumes()));
    } catch (IOException e) {
      throw new LockplaneException(
          ErrorCode.IO_ERROR, "Cannot read the clone registry " + file + ": " + e.getMessage() + ". Move it away to start afresh.", e);
    }
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }

  void write(Data data) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      byte[] bytes = JSON.writeValueAsBytes(data);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      String msg = String.valueOf(e.getMessage());
      throw new LockplaneException(
          msg.contains("No space left") ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
          "Cannot write the clone registry " + file + ": " + e + ". Free space on the store.", e);
    }
  }
}
