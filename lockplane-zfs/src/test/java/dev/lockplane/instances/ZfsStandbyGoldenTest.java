package dev.lockplane.instances;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.ProductionServer;
import dev.lockplane.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A standby golden on ZFS, where a snapshot is atomic: the standby is snapshotted while it runs
 * (after a restartpoint), and its copy recovers the crash-consistent image before it is snapshotted
 * as the golden.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZfsStandbyGoldenTest {
  private ProductionServer prod;
  private Path work;
  private ZfsPool pool;

  @BeforeAll
  void start() throws Exception {
    String missing = ZfsPool.missing();
    Requirements.require(missing == null, String.valueOf(missing));
    prod = ProductionServer.start();
    prod.exec("postgres", "CREATE DATABASE shop");
    prod.exec("shop", "CREATE TABLE events (id serial PRIMARY KEY, note text)",
        "INSERT INTO events (note) SELECT 'event ' || g FROM generate_series(1, 10) g");
    work = Files.createTempDirectory("lockplane-zfs-standby");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
    pool = ZfsPool.create("lpzfsstandby", 384, work);
  }

  @AfterAll
  void stop() throws Exception {
    if (prod != null) {
      prod.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (work != null) {
      dev.lockplane.internal.fs.FileTrees.deleteQuietly(work);
    }
  }

  @Test
  void aRunningStandbyIsSnapshottedWithoutStopping() throws Exception {
    CowStorage storage = CowStorages.zfs(pool.name + "/lockplane");
    Golden source = Golden.fromServer(prod.url("shop"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).physical();
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47390, 47399, source).database("shop").standby()
        .keepSnapshots(0).start()) {
      InstanceClone before = clones.create("before");
      long pid = clones.standby().orElseThrow().streaming() ? standbyPid(clones) : -1;
      prod.exec("shop", "INSERT INTO events (note) VALUES ('late')");
      Instant committed = Instant.now();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!clones.standby().orElseThrow().dataStateAt().isAfter(committed.plusMillis(300))) {
        assertThat(System.nanoTime()).as("the standby catches up").isLessThan(deadline);
        Thread.sleep(100);
      }
      Snapshot s = clones.snapshotGolden();
      assertThat(s.dataStateAt()).isAfter(committed);
      assertThat(Fixtures.count(clones.create("after"), "SELECT count(*) FROM events")).isEqualTo(11);
      assertThat(Fixtures.count(before, "SELECT count(*) FROM events")).isEqualTo(10);
      if (pid > 0) {
        // the same walreceiver: the standby was not restarted for the snapshot
        assertThat(standbyPid(clones)).isEqualTo(pid);
      }
    }
  }

  /** The standby's walreceiver, seen from the source. */
  private long standbyPid(InstanceCloneManager clones) throws Exception {
    try (var c = prod.server().connect("postgres"); var st = c.createStatement();
        var rs = st.executeQuery("SELECT pid FROM pg_stat_replication WHERE application_name = 'lockplane_standby'")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }
}
