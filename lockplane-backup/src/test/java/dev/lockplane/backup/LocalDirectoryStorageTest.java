package dev.lockplane.backup;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on a local directory. */
class LocalDirectoryStorageTest extends StorageContract {
  @TempDir Path tmp;

  @Override
  BackupStorage storage() {
    return BackupStorage.localDirectory(tmp.resolve("repo"));
  }

  @Override
  int largeObjectSize() {
    return 3 << 20;
  }
}
