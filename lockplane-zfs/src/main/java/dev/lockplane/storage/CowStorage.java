package dev.lockplane.storage;

import dev.lockplane.clone.CopyMethod;
import java.nio.file.Path;
import java.util.List;

/**
 * Copy-on-write storage for data directories: the small SPI under instance-level clones.
 *
 * <p>A storage holds <em>volumes</em> (a ZFS dataset, or a directory) named by simple names, and
 * read-only <em>snapshots</em> of volumes. A snapshot can be cloned into a new writable volume; on
 * ZFS and on reflink filesystems the clone shares its blocks with the snapshot, so it costs time and
 * space independent of the volume's size.
 *
 * <p>Names of volumes and snapshots are 1 to 64 characters of {@code a-z 0-9 _ . -}, starting with a
 * letter or digit. Implementations are thread-safe; operations on different volumes may run at once.
 * Get one from {@link CowStorages}.
 *
 * <pre>{@code
 * CowStorage zfs = CowStorages.zfs("tank/lockplane");
 * Path golden = zfs.create("golden");              // fill it, then:
 * zfs.snapshot("golden", "v1");
 * Path clone = zfs.clone("golden", "v1", "alice");  // constant time
 * }</pre>
 */
public interface CowStorage {

  /** Returns a stable identity of this store, such as {@code zfs:tank/lockplane} or {@code reflink:/srv/lp}. */
  String id();

  /** Returns how {@link #clone} copies a snapshot. */
  CopyMethod method();

  /** Returns whether {@link #clone} and {@link #snapshot} take time independent of the data size. */
  boolean constantTime();

  /** Returns a description for logs and strategies, such as the filesystem and the mount point. */
  String describe();

  /**
   * Returns a plain directory of this store where a clone manager keeps its registry. It is created
   * if missing and is never a volume.
   */
  Path stateDirectory();

  /**
   * Creates an empty volume.
   *
   * @param volume the new volume's name
   * @return where the volume is mounted
   * @throws dev.lockplane.LockplaneException with {@code ALREADY_EXISTS} if it exists,
   *     {@code DISK_FULL} if the store is full
   */
  Path create(String volume);

  /**
   * Returns whether a volume exists.
   *
   * @param volume the volume's name
   * @return whether it exists
   */
  boolean exists(String volume);

  /**
   * Returns where a volume is mounted.
   *
   * @param volume the volume's name
   * @return its directory
   * @throws dev.lockplane.LockplaneException with {@code NOT_FOUND} if there is no such volume
   */
  Path path(String volume);

  /**
   * Takes a read-only snapshot of a volume. On ZFS it is atomic, so a running PostgreSQL yields a
   * crash-consistent copy; elsewhere the files are copied one by one, so the server must be stopped
   * or in backup mode.
   *
   * @param volume the volume
   * @param snapshot the snapshot's name, unique for the volume
   */
  void snapshot(String volume, String snapshot);

  /**
   * Makes a new writable volume from a snapshot.
   *
   * @param volume the snapshotted volume
   * @param snapshot the snapshot
   * @param target the new volume's name
   * @return where the new volume is mounted
   */
  Path clone(String volume, String snapshot, String target);

  /**
   * Returns a volume to the state of one of its own snapshots, discarding later changes (and, on
   * ZFS, later snapshots).
   *
   * @param volume the volume
   * @param snapshot its snapshot
   */
  void rollback(String volume, String snapshot);

  /**
   * Destroys a volume and its snapshots. Destroying a missing volume does nothing.
   *
   * @param volume the volume
   * @throws dev.lockplane.LockplaneException with {@code IN_USE} if a snapshot of it has clones (ZFS)
   */
  void destroy(String volume);

  /**
   * Destroys a snapshot. Destroying a missing snapshot does nothing.
   *
   * @param volume the volume
   * @param snapshot the snapshot
   * @throws dev.lockplane.LockplaneException with {@code IN_USE} if volumes were cloned from it (ZFS)
   */
  void destroySnapshot(String volume, String snapshot);

  /** Returns the names of the volumes, sorted. */
  List<String> volumes();

  /**
   * Returns the names of a volume's snapshots, sorted.
   *
   * @param volume the volume
   * @return the snapshot names
   */
  List<String> snapshots(String volume);

  /**
   * Returns the space a volume takes.
   *
   * @param volume the volume
   * @return its own and its referenced bytes
   */
  SpaceUsage usage(String volume);

  /** Returns how many bytes can still be written to this store. */
  long available();
}
