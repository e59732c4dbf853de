package dev.lockplane.internal.backup;

import dev.lockplane.backup.BackupStorage;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The stored sizes of many objects, each backup's data listed once ({@link BackupStorage#sizes})
 * rather than every object asked for on its own: a backup of a cluster holds an object for each of
 * its 1,000 or more files, and on S3 each question is a request. An object the listing does not show
 * with the size expected is asked for on its own, so a listing that lags a write (as on some
 * S3-compatible servers) costs a request, never a false report. Not thread-safe: one per check.
 */
final class StoredSizes {
  private final BackupStorage storage;
  private final Map<String, Map<String, Long>> listed = new HashMap<>();

  StoredSizes(BackupStorage storage) {
    this.storage = storage;
  }

  /**
   * Returns an object's stored size.
   *
   * @param o the object, with the stored size it was written with
   * @return its size in storage
   * @throws java.nio.file.NoSuchFileException when it is not in storage
   * @throws IOException when it cannot be checked
   */
  long size(StoredObject o) throws IOException {
    String owner = ObjectKeys.ownerOf(o.key(), null);
    if (owner != null && ObjectKeys.isDataObjectOf(owner, o.key())) {
      String prefix = DataWriter.prefix(owner) + "data/";
      Map<String, Long> sizes = listed.get(prefix);
      if (sizes == null) {
        sizes = storage.sizes(prefix);
        listed.put(prefix, sizes);
      }
      Long size = sizes.get(o.key());
      if (size != null && size == o.storedSize()) {
        return size;
      }
    }
    return storage.size(o.key());
  }
}
