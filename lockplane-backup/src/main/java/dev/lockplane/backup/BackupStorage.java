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
 * <p>Implementations must be thread-safe. {@link #localDirectory(java.nio.file.Path)} is the built-in
 * implementation.
 */
public interface BackupStorage {

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
   * Creates a new object. The object is complete when the stream is closed; a stream abandoned with
   * an exception must be followed by {@link #delete(String)}.
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
   * Deletes an object; deleting a missing object is not an error.
   *
   * @param key the object's key
   * @throws IOException when it cannot be deleted
   */
  void delete(String key) throws IOException;

  /** Describes the storage for messages, such as {@code directory /backups}. */
  String describe();
}
