package dev.lockplane.internal.testkit;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.instances.InstanceClones;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import java.nio.file.Path;

/**
 * Instance-level clone managers for the testkit. Kept in a class of its own so that the optional
 * {@code lockplane-zfs} dependency is loaded only when a test asks for instance isolation.
 */
final class InstanceManagers {
  private InstanceManagers() {}

  static CloneManager start(Settings s, Path scratch) {
    CowStorage storage;
    String key = s.golden().contentHash().substring(0, 12);
    if (s.storage() == null) {
      storage = CowStorages.detect(scratch.resolve(key));
    } else if (s.storage().startsWith("zfs:")) {
      storage = CowStorages.zfs(s.storage().substring(4) + "/lpt" + key);
    } else {
      storage = CowStorages.detect(Path.of(s.storage()).resolve("lpt" + key));
    }
    return InstanceClones.on(storage).golden(s.golden()).version(s.version()).keepClonesOnClose(false).start();
  }
}
