package dev.lockplane.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import java.util.List;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.Requirements;
import dev.lockplane.testing.SharedPostgres;
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
  Path detectable() throws Exception {
    Path dir = work.resolve("detected");
    Files.createDirectories(dir);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dev.lockplane.internal.storage.ReflinkStorage.probe(dir) != null,
        "the default filesystem here can reflink, so detect() rightly chooses reflink");
    return dir;
  }

  @Override
  AutoCloseable fill() throws Exception {
    Path f = small.mount.resolve("filler");
    Filler.fill(f);
    return () -> Files.deleteIfExists(f);
  }

  @Test
  void aFullPortPoolIsReported() {
    // a port free right now, not a fixed one: a fixed port in the ephemeral range may be any
    // process's outgoing connection on the machine that runs the tests
    int port = PhysicalServerGoldenTest.freePort();
    try (InstanceCloneManager m = Fixtures.manager(storage, port, port, Fixtures.GOLDEN).start()) {
      m.create("only");
      assertThatThrownBy(() -> m.create("second"))
          .isInstanceOfSatisfying(CloneException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PORT_IN_USE);
            assertThat(e.getMessage()).contains(port + "-" + port);
          });
    }
  }

  @Test
  void aChangedGoldenIsRebuiltAndTheOldOneLivesWhileAClonesUsesIt() {
    // a store of its own, so that the other tests keep their golden
    CowStorage storage = CowStorages.copy(work.resolve("changing-store"));
    String oldVolume;
    try (InstanceCloneManager m = Fixtures.manager(storage, portBase()).start()) {
      oldVolume = storage.volumes().stream().filter(v -> v.startsWith("golden-")).findFirst().orElseThrow();
      m.create("on-old-golden").protect(true);
    }
    Golden changed = Golden.fromScripts(List.of(
        Script.of("schema.sql", "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);"),
        Script.of("seed.sql", "INSERT INTO items SELECT g, 'v2' FROM generate_series(1, 5) g;")));
    try (InstanceCloneManager m = Fixtures.manager(storage, portBase(), portBase() + 49, changed).start()) {
      InstanceClone old = m.instance("on-old-golden").orElseThrow();
      assertThat(old.snapshot().name()).isEqualTo(oldVolume);
      assertThat(m.snapshots()).extracting(Snapshot::name).containsExactly("golden", oldVolume);
      assertThat(Fixtures.count(old, "SELECT count(*) FROM items")).isEqualTo(100);
      assertThat(Fixtures.count(m.create("on-new-golden"), "SELECT count(*) FROM items")).isEqualTo(5);
      old.destroy();
      m.destroySnapshot(m.snapshots().get(1));
      assertThat(storage.volumes()).doesNotContain(oldVolume);
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
  void aGoldenCanBeAPhysicalCopyOfARunningCluster() throws Exception {
    LocalPostgres source = SharedPostgres.get();
    try (java.sql.Connection c = source.connect("postgres"); java.sql.Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS lp_physical_golden");
      s.execute("CREATE TABLE lp_physical_golden AS SELECT g AS id FROM generate_series(1, 42) g");
    }
    CowStorage storage = CowStorages.copy(work.resolve("physical-store"));
    try (InstanceCloneManager m = InstanceClones.on(storage).goldenCopyOf(source).portRange(46460, 46469)
        .setting("shared_buffers", "16MB").start()) {
      // the source goes on while its copy lives
      try (java.sql.Connection c = source.connect("postgres"); java.sql.Statement s = c.createStatement()) {
        s.execute("INSERT INTO lp_physical_golden VALUES (43)");
      }
      InstanceClone clone = m.create("physical");
      assertThat(Fixtures.count(clone, "SELECT count(*) FROM lp_physical_golden")).isEqualTo(42);
      assertThat(clone.port()).isNotEqualTo(source.port());
      assertThat(m.golden().description()).startsWith("physical copy of");
    } finally {
      try (java.sql.Connection c = source.connect("postgres"); java.sql.Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS lp_physical_golden");
      }
    }
    assertThatThrownBy(() -> InstanceClones.on(storage).golden(Fixtures.GOLDEN).goldenCopyOf(source))
        .hasMessageContaining("already set");
  }

  @Test
  void oneManagerAtATimePerStore() throws Exception {
    Path lock = dev.lockplane.internal.postgres.LockplaneDirectories.storageRuntime(storage.id()).resolve("manager.lock");
    try (InstanceCloneManager m = Fixtures.manager(storage, portBase()).start()) {
      assertThatThrownBy(() -> Fixtures.manager(storage, portBase()).start())
          .isInstanceOfSatisfying(dev.lockplane.LockplaneException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.IN_USE);
            assertThat(e.getMessage()).contains(storage.id());
          });
      assertThat(m.golden().name()).isEqualTo("golden");
      // the refused second manager of this JVM left the first one's OS lock in place for other processes
      assertThat(dev.lockplane.testing.LockProbe.held(lock)).isTrue();
    }
    assertThat(dev.lockplane.testing.LockProbe.held(lock)).isFalse();
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
