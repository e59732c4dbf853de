package dev.lockplane.storage;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.storage.CopyStorage;
import dev.lockplane.internal.storage.ReflinkStorage;
import dev.lockplane.internal.storage.ZfsStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Makes {@link CowStorage}s: ZFS, reflink (XFS/btrfs), plain copy, or the best one for a directory.
 *
 * <pre>{@code
 * CowStorage s1 = CowStorages.zfs("tank/lockplane");      // needs the zfs command
 * CowStorage s2 = CowStorages.reflink(Path.of("/srv/xfs/lockplane"));
 * CowStorage s3 = CowStorages.detect(Path.of("/srv/lockplane")); // ZFS, else reflink, else copy
 * }</pre>
 */
public final class CowStorages {
  private CowStorages() {}

  /**
   * Storage on ZFS datasets under a parent dataset, created if missing, using {@code zfs} from PATH.
   *
   * @param parentDataset the parent dataset, such as {@code tank/lockplane}; it must be mounted
   * @return the storage
   * @throws LockplaneException with {@code OS_ERROR} when the {@code zfs} command is missing
   */
  public static CowStorage zfs(String parentDataset) {
    return zfs(parentDataset, Path.of("zfs"));
  }

  /**
   * Storage on ZFS datasets, with a given {@code zfs} program.
   *
   * @param parentDataset the parent dataset
   * @param zfsCommand the {@code zfs} program (a name looked up on PATH, or a path)
   * @return the storage
   */
  public static CowStorage zfs(String parentDataset, Path zfsCommand) {
    Objects.requireNonNull(parentDataset, "parentDataset");
    return new ZfsStorage(parentDataset, Objects.requireNonNull(zfsCommand, "zfsCommand").toString());
  }

  /**
   * Storage in a directory on a filesystem with reflinks (XFS made with {@code reflink=1}, btrfs).
   *
   * @param root the store's directory, created if missing
   * @return the storage
   * @throws LockplaneException with {@code UNSUPPORTED} when the filesystem cannot reflink, naming it
   */
  public static CowStorage reflink(Path root) {
    return new ReflinkStorage(Objects.requireNonNull(root, "root"));
  }

  /**
   * Storage in a directory, with plain copies: works everywhere, takes time linear in the size.
   *
   * @param root the store's directory, created if missing
   * @return the storage
   */
  public static CowStorage copy(Path root) {
    return new CopyStorage(Objects.requireNonNull(root, "root"));
  }

  /**
   * The best storage for a directory: ZFS when the directory is the mount point of a ZFS dataset,
   * else reflink when its filesystem can reflink, else plain copies. {@link CowStorage#describe()}
   * says which was chosen.
   *
   * @param root the store's directory, created if missing
   * @return the storage
   */
  public static CowStorage detect(Path root) {
    Objects.requireNonNull(root, "root");
    Path abs = root.toAbsolutePath().normalize();
    if (ZfsStorage.commandAvailable("zfs")) {
      String ds = ZfsStorage.datasetMountedAt(abs, "zfs");
      if (ds != null) {
        return new ZfsStorage(ds, "zfs");
      }
    }
    try {
      Files.createDirectories(abs);
    } catch (java.io.IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot create store directory " + abs + ": " + e, e);
    }
    if (ReflinkStorage.probe(abs) == null) {
      return new ReflinkStorage(abs);
    }
    return new CopyStorage(abs);
  }
}
