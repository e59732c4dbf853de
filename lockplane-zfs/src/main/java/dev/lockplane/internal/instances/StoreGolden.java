package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;

/** The golden a manager takes from its store as it is ({@code goldenFromStore()}): it must be there. */
public final class StoreGolden {
  private StoreGolden() {}

  /**
   * The PostgreSQL major version of the store's golden cluster, from its {@code PG_VERSION}: a
   * manager that takes the golden as it is must run its clones on the version it was made with (a
   * base backup of a PostgreSQL 15 server stays a 15 cluster).
   *
   * @param storage the store
   * @return the major version, or empty when the store has no readable golden
   */
  public static java.util.OptionalInt majorVersion(dev.lockplane.storage.CowStorage storage) {
    Registry.SnapshotRecord golden = new Registry(storage.stateDirectory()).read(storage.id()).snapshots().stream()
        .filter(Registry.SnapshotRecord::golden).findFirst().orElse(null);
    if (golden == null || !storage.exists(golden.volume())) {
      return java.util.OptionalInt.empty();
    }
    try {
      String v = java.nio.file.Files.readString(storage.path(golden.volume()).resolve("data").resolve("PG_VERSION")).strip();
      return java.util.OptionalInt.of(Integer.parseInt(v));
    } catch (java.io.IOException | NumberFormatException e) {
      return java.util.OptionalInt.empty(); // the manager's start says what is wrong with the golden
    }
  }

  static void require(Manager m) {
    Registry.SnapshotRecord current;
    synchronized (m) {
      current = m.snapshots.get(Manager.GOLDEN);
    }
    if (current == null || !m.storage.exists(current.volume())
        || !m.storage.snapshots(current.volume()).contains(current.storageSnapshot())) {
      throw new LockplaneException(ErrorCode.NOT_FOUND, "Store " + m.storage.id() + " has no golden: prepare one"
          + " first by giving a manager on this store a golden.");
    }
    m.cfg.listener().progress("golden", "using the store's golden " + current.volume() + " (" + current.description() + ")");
  }
}
