package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;

/** The golden a manager takes from its store as it is ({@code goldenFromStore()}): it must be there. */
final class StoreGolden {
  private StoreGolden() {}

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
