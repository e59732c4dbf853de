package dev.lockplane.instances;

import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Instance clones on a real ZFS pool (a file-backed pool; zfs-fuse where there is no kernel ZFS). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZfsInstanceCloneTest extends InstanceCloneContract {
  private Path work;
  private ZfsPool pool;
  private CowStorage storage;

  @BeforeAll
  void createPool() throws Exception {
    String missing = ZfsPool.missing();
    Requirements.require(missing == null, String.valueOf(missing));
    work = Files.createTempDirectory("lockplane-zfs-test");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
    pool = ZfsPool.create("lpzfstest", 384, work);
    storage = CowStorages.zfs(pool.name + "/lockplane");
  }

  @AfterAll
  void destroyPool() throws Exception {
    if (pool != null) {
      pool.close();
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
    return "zfs:" + pool.name + "/lockplane";
  }

  @Override
  int portBase() {
    return 46100;
  }

  @Override
  Path detectable() {
    return Path.of(Sh.run("zfs", "get", "-H", "-p", "-o", "value", "mountpoint", pool.name + "/lockplane").strip());
  }

  @Override
  AutoCloseable fill() throws Exception {
    String ds = pool.name + "/filler";
    Sh.run("zfs", "create", ds);
    Filler.fill(Path.of(Sh.run("zfs", "get", "-H", "-p", "-o", "value", "mountpoint", ds).strip(), "fill"));
    // zfs-fuse reports a dataset that was just written through FUSE as busy for a moment
    return () -> {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (true) {
        dev.lockplane.internal.os.ProcessRunner.Result r = Sh.tryRun("zfs", "destroy", ds);
        if (r.ok()) {
          return;
        }
        if (!r.output().contains("busy") || System.nanoTime() > deadline) {
          throw new IllegalStateException("zfs destroy " + ds + " failed (exit " + r.exitCode() + "): " + r.output());
        }
        Thread.sleep(250);
      }
    };
  }
}
