package dev.lockplane.instances;

import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Instance clones with reflinks on a loop-mounted filesystem made for the test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LoopReflinkContract extends InstanceCloneContract {
  private Path work;
  private LoopFilesystem fs;
  private CowStorage storage;

  abstract String fsType();

  @BeforeAll
  void mount() throws Exception {
    String missing = LoopFilesystem.missing(fsType());
    Requirements.require(missing == null, String.valueOf(missing));
    work = Files.createTempDirectory("lockplane-" + fsType() + "-test");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
    fs = LoopFilesystem.create(fsType(), 320, work);
    storage = CowStorages.reflink(fs.mount.resolve("store"));
  }

  @AfterAll
  void unmount() {
    if (fs != null) {
      fs.close();
    }
    if (work != null) {
      dev.lockplane.internal.fs.FileTrees.deleteQuietly(work);
    }
  }

  @Override
  CowStorage storage() {
    return storage;
  }

  @Override
  String storageSpec() {
    return "reflink:" + fs.mount.resolve("store");
  }

  @Override
  Path detectable() {
    return fs.mount.resolve("detected");
  }

  @Override
  AutoCloseable fill() throws Exception {
    Path f = fs.mount.resolve("filler");
    Filler.fill(f);
    return () -> Files.deleteIfExists(f);
  }
}
