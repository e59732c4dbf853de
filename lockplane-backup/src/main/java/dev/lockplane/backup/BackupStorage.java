package dev.lockplane.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Where a repository keeps its objects: a flat namespace of write-once objects named by
 * slash-separated keys. The contract is what an object store offers — create an object once, read
 * it, list by prefix, delete — with no rename and no append, so that a repository can live in a
 * local directory today and in a bucket later.
 *
 * <p>A repository never relies on an object becoming visible atomically: a backup is visible only
 * once its manifest object is complete, and the manifest carries its own checksum.
 *
 * <p>An object being written becomes visible when its stream is closed; to abandon it, call
 * {@link #delete(String)} before closing the stream (object stores publish on close, so a stream
 * closed first would publish what was written so far).
 *
 * <p>Implementations must be thread-safe. {@link #localDirectory(java.nio.file.Path)} and
 * {@link #s3(java.net.URI)} are the built-in implementations. Close a storage to release its
 * connections; closing twice is safe.
 */
public interface BackupStorage extends AutoCloseable {

  /**
   * Returns storage in a local directory, created if missing.
   *
   * @param root the directory
   * @return the storage
   */
  static BackupStorage localDirectory(java.nio.file.Path root) {
    return new dev.lockplane.internal.backup.LocalDirectoryStorage(root);
  }

  /**
   * Starts configuring storage in an S3-compatible bucket.
   *
   * <pre>{@code
   * BackupStorage bucket = BackupStorage.s3(URI.create("s3://backups/prod/")).region("eu-west-1").build();
   * }</pre>
   *
   * @param location {@code s3://bucket/prefix/} (the prefix may be empty)
   * @return a builder
   */
  static S3StorageBuilder s3(java.net.URI location) {
    return new S3StorageBuilder(location);
  }

  /**
   * Creates a new object. The object is complete when the stream is closed; a stream abandoned with
   * an exception must be deleted with {@link #delete(String)} before it is closed.
   *
   * @param key the object's key; it must not exist
   * @return a stream receiving the object's bytes
   * @throws IOException when the object exists or cannot be created
   */
  OutputStream create(String key) throws IOException;

  /**
   * Opens an object for reading.
   *
   * @param key the object's key
   * @return its bytes
   * @throws java.nio.file.NoSuchFileException when there is no such object
   * @throws IOException when it cannot be read
   */
  InputStream open(String key) throws IOException;

  /**
   * Returns an object's size in bytes.
   *
   * @param key the object's key
   * @return the size
   * @throws java.nio.file.NoSuchFileException when there is no such object
   * @throws IOException when it cannot be read
   */
  long size(String key) throws IOException;

  /**
   * Lists the keys that start with a prefix, sorted.
   *
   * @param prefix a key prefix such as {@code backups/}
   * @return the keys
   * @throws IOException when the listing fails
   */
  List<String> list(String prefix) throws IOException;

  /**
   * Returns the size of every object whose key starts with a prefix. Storage that lists sizes with
   * the keys (S3, a directory) answers with one listing instead of a request per object, which is
   * how a backup checks its objects before its manifest is written; this default asks
   * {@link #size} of each key {@link #list} returns.
   *
   * @param prefix a key prefix such as {@code backups/ID/data/}
   * @return the sizes by key
   * @throws IOException when the listing fails
   */
  default java.util.Map<String, Long> sizes(String prefix) throws IOException {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (String key : list(prefix)) {
      try {
        out.put(key, size(key));
      } catch (java.nio.file.NoSuchFileException e) {
        // deleted since the listing
      }
    }
    return out;
  }

  /**
   * Deletes an object; deleting a missing object is not an error.
   *
   * @param key the object's key
   * @throws IOException when it cannot be deleted
   */
  void delete(String key) throws IOException;

  /** Describes the storage for messages, such as {@code directory /backups}. */
  String describe();

  /** Releases the storage's connections; the local directory holds none. Safe to call twice. */
  @Override
  default void close() {}
}
