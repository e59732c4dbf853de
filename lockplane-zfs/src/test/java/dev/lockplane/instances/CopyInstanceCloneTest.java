package dev.lockplane.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Instance clones with plain copies on the default filesystem; the full-store case runs on a small
 * loop-mounted ext4 (root only), since the default filesystem cannot be filled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyInstanceCloneTest extends InstanceCloneContract {
  private Path work;
  private CowStorage storage;
  private LoopFilesystem small;
  private CowStorage smallStorage;

  @BeforeAll
  void open() throws Exception {
    work = Files.createTempDirectory("lockplane-copy-test");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
    storage = CowStorages.copy(work.resolve("store"));
  }

  @AfterAll
  void remove() {
    if (small != null) {
      small.close();
    }
    dev.lockplane.internal.fs.FileTrees.deleteQuietly(work);
  }

  @Override
  CowStorage storage() {
    return storage;
  }

  @Override
  String storageSpec() {
    return "copy:" + work.resolve("store");
  }

  @Override
  int portBase() {
    return 46400;
  }

  @Override
  CowStorage smallStorage() {
    if (smallStorage == null) {
      String missing = LoopFilesystem.missing("ext4");
      Requirements.require(missing == null, String.valueOf(missing));
      try {
        small = LoopFilesystem.create("ext4", 256, work);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      smallStorage = CowStorages.copy(small.mount.resolve("store"));
    }
    return smallStorage;
  }

  @Override
  AutoCloseable fill() throws Exception {
    Path f = small.mount.resolve("filler");
    Filler.fill(f);
    return () -> Files.deleteIfExists(f);
  }

  @Test
  void aFullPortPoolIsReported() {
    try (InstanceCloneManager m = InstanceClones.on(storage).golden(Fixtures.GOLDEN)
        .portRange(46450, 46450).setting("shared_buffers", "16MB").setting("max_connections", "20").start()) {
      m.create("only");
      assertThatThrownBy(() -> m.create("second"))
          .isInstanceOfSatisfying(CloneException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PORT_IN_USE);
            assertThat(e.getMessage()).contains("46450-46450");
          });
    }
  }

  @Test
  void reflinkIsRefusedOnAFilesystemWithoutIt() throws Exception {
    Files.createDirectories(work.resolve("no-reflink"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dev.lockplane.internal.storage.ReflinkStorage.probe(work.resolve("no-reflink")) != null,
        "the default filesystem here can reflink; nothing to refuse");
    assertThatThrownBy(() -> CowStorages.reflink(work.resolve("no-reflink")))
        .isInstanceOfSatisfying(dev.lockplane.LockplaneException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
          assertThat(e.getMessage()).contains("cannot make reflinks").contains("mkfs.xfs -m reflink=1");
        });
  }

  @Test
  void aMissingZfsCommandIsReported() {
    assertThatThrownBy(() -> CowStorages.zfs("tank/lockplane", Path.of("/nonexistent/zfs")))
        .isInstanceOfSatisfying(dev.lockplane.LockplaneException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.OS_ERROR);
          assertThat(e.getMessage()).contains("/nonexistent/zfs").contains("zfs-fuse");
        });
  }
}
