package dev.lockplane.instances;

import static dev.lockplane.instances.Fixtures.count;
import static dev.lockplane.instances.Fixtures.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.ServerMemory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jnr.constants.platform.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every storage must give instance clones: isolation, reset, snapshots and retention, a
 * registry that survives a SIGKILLed manager, a clear full-store error, and concurrent clones.
 * Subclasses provide the storage on a real filesystem.
 */
@Timeout(180)
abstract class InstanceCloneContract {

  /** The storage under test. */
  abstract CowStorage storage();

  /** How the child JVM names the same storage. */
  abstract String storageSpec();

  /** The first of 50 ports this class's clones use. */
  abstract int portBase();

  /** A storage on a small filesystem that {@link #fill} can fill. */
  CowStorage smallStorage() {
    return storage();
  }

  /** Fills the filesystem of {@link #smallStorage()}; closing frees the space. */
  abstract AutoCloseable fill() throws Exception;

  /** A directory for which {@link CowStorages#detect} must choose this class's kind of storage. */
  abstract Path detectable() throws Exception;

  @Test
  void detectChoosesThisKindOfStorage() throws Exception {
    CowStorage detected = CowStorages.detect(detectable());
    assertThat(detected.method()).isEqualTo(storage().method());
    assertThat(detected.describe()).isNotBlank();
  }

  @Test
  void clonesAreIsolatedAndResetReturnsToTheSnapshot() throws Exception {
    try (InstanceCloneManager m = Fixtures.manager(storage(), portBase()).start()) {
      assertThat(m.strategy().method()).isEqualTo(storage().method());
      InstanceClone a = m.create("alpha");
      InstanceClone b = m.create("beta");
      assertThat(a.port()).isNotEqualTo(b.port());
      assertThat(a.pid()).isNotEqualTo(b.pid());
      assertThat(a.user()).isEqualTo("alpha");
      assertThat(a.password()).isNotEqualTo(b.password());
      // clones are copies of one golden cluster, so they keep its system identifier
      String identifier = "SELECT system_identifier FROM pg_control_system()";
      long sysid = count(a, identifier);
      assertThat(count(b, identifier)).isEqualTo(sysid);

      exec(a, "INSERT INTO items VALUES (500, 'only in alpha')");
      exec(a, "CREATE ROLE someone_new");
      exec(a, "ALTER SYSTEM SET work_mem = '7MB'");
      assertThat(count(a, "SELECT count(*) FROM items")).isEqualTo(101);
      assertThat(count(b, "SELECT count(*) FROM items")).isEqualTo(100);
      assertThat(count(b, "SELECT count(*) FROM pg_roles WHERE rolname = 'someone_new'")).isZero();
      assertThat(count(a, "SELECT count(*) FROM items i WHERE item_label(i) = '7: item ''7'''")).isEqualTo(1);

      String url = a.jdbcUrl();
      a.reset();
      assertThat(a.state()).isEqualTo(CloneState.OK);
      assertThat(a.jdbcUrl()).isEqualTo(url);
      assertThat(count(a, "SELECT count(*) FROM items")).isEqualTo(100);
      assertThat(count(a, "SELECT count(*) FROM pg_roles WHERE rolname = 'someone_new'")).isZero();
      assertThat(count(a, identifier)).isEqualTo(sysid);

      assertThat(m.list()).extracting(c -> c.name()).containsExactly("alpha", "beta");
      assertThat(a.logicalSize()).isGreaterThan(1_000_000);
      assertThat(a.diskUsage().referenced()).isGreaterThan(0);
      if (storage().constantTime()) {
        assertThat(a.diskUsage().used()).isLessThan(a.logicalSize() / 2);
      }
      // a server that dies turns its clone FATAL, with the log; a reset brings it back
      long pid = b.pid();
      ServerMemory memory = ServerMemory.of(pid);
      Posix.kill(pid, Signal.SIGKILL);
      // the JVM learns of its child's death asynchronously (its reaper thread), after kill(0) already fails
      for (int i = 0; i < 250 && (Posix.isAlive(pid) || b.state() != CloneState.FATAL); i++) {
        sleep(20);
      }
      assertThat(b.state()).isEqualTo(CloneState.FATAL);
      assertThat(b.failure()).hasValueSatisfying(f -> assertThat(f).contains("stopped unexpectedly").contains("server log"));
      assertThat(m.list()).extracting(c -> c.name()).containsExactly("alpha");
      b.reset();
      assertThat(b.state()).isEqualTo(CloneState.OK);
      // the killed server's shared memory went with its data, whatever the storage did with the directory
      assertThat(memory.released()).as(String.valueOf(memory)).isTrue();
      assertThat(count(b, "SELECT count(*) FROM items")).isEqualTo(100);
      b.destroy();
      assertThat(b.isDestroyed()).isTrue();
      assertThat(m.get("beta")).isEmpty();
    }
  }

  @Test
  void snapshotsKeepTheNewestAndEveryOneInUse() {
    try (InstanceCloneManager m = Fixtures.manager(storage(), portBase()).keepSnapshots(1).start()) {
      InstanceClone a = m.create("source");
      exec(a, "INSERT INTO items VALUES (201, 's1')");
      Snapshot s1 = m.snapshot("s1", a);
      InstanceClone fromS1 = m.create("from-s1", s1);
      assertThat(count(fromS1, "SELECT count(*) FROM items")).isEqualTo(101);
      exec(a, "INSERT INTO items VALUES (202, 's2')");
      m.snapshot("s2", a);
      exec(a, "INSERT INTO items VALUES (203, 's3')");
      Snapshot s3 = m.snapshot("s3", a);
      // s2 is neither the newest nor used: retention removed it; s1 stays for its clone
      assertThat(m.snapshots()).extracting(Snapshot::name).containsExactly("golden", "s1", "s3");
      assertThatThrownBy(() -> m.destroySnapshot(s1))
          .isInstanceOfSatisfying(CloneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IN_USE));

      fromS1.reset(s3);
      assertThat(count(fromS1, "SELECT count(*) FROM items")).isEqualTo(103);
      assertThat(fromS1.snapshot().name()).isEqualTo("s3");
      m.destroySnapshot(s1);
      // the source clone holds s3 and goes first; its snapshot outlives it
      a.destroy();
      fromS1.reset();
      assertThat(count(fromS1, "SELECT count(*) FROM items")).isEqualTo(103);
      assertThat(m.pruneSnapshots()).isEmpty();
    }
  }

  @Test
  void aNewManagerFindsTheClonesOfAKilledOne() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ChildManager.class.getName(), storageSpec(), String.valueOf(portBase()))
        .redirectErrorStream(true).start();
    long runningPid;
    long stoppedPid;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null && !line.startsWith("READY")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("child output:\n" + seen).isNotNull();
      String[] f = line.split(" ");
      runningPid = Long.parseLong(f[1]);
      stoppedPid = Long.parseLong(f[2]);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      child.waitFor(30, TimeUnit.SECONDS);
    }
    // one server dies too (as after a reboot); the other keeps running without its manager
    Posix.kill(stoppedPid, Signal.SIGINT);
    for (int i = 0; i < 300 && Posix.isAlive(stoppedPid); i++) {
      Thread.sleep(50);
    }
    assertThat(Posix.isAlive(runningPid)).isTrue();

    try (InstanceCloneManager m = Fixtures.manager(storage(), portBase()).start()) {
      InstanceClone running = m.instance("survivor-running").orElseThrow();
      InstanceClone stopped = m.instance("survivor-stopped").orElseThrow();
      assertThat(running.state()).isEqualTo(CloneState.OK);
      assertThat(stopped.state()).isEqualTo(CloneState.OK);
      assertThat(running.pid()).isEqualTo(runningPid);
      assertThat(stopped.pid()).isNotEqualTo(stoppedPid).isPositive();
      assertThat(count(running, "SELECT count(*) FROM items WHERE id = 1000")).isEqualTo(1);
      assertThat(count(stopped, "SELECT count(*) FROM items WHERE id = 1000")).isEqualTo(1);
      running.reset();
      assertThat(count(running, "SELECT count(*) FROM items WHERE id = 1000")).isZero();
    }
    assertThat(Posix.isAlive(runningPid)).isFalse();
  }

  @Test
  void aFullStoreSaysWhichStoreAndHowMuchIsLeft() throws Exception {
    try (InstanceCloneManager m = Fixtures.manager(smallStorage(), portBase()).start()) {
      try (AutoCloseable filler = fill()) {
        assertThatThrownBy(() -> m.create("no-room"))
            .isInstanceOfSatisfying(CloneException.class, e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
              assertThat(e.target()).isEqualTo("no-room");
              assertThat(e.getMessage()).contains(smallStorage().id()).contains("bytes available");
            });
        assertThat(m.instance("no-room")).isEmpty();
      }
      InstanceClone ok = m.create("room-again");
      assertThat(count(ok, "SELECT count(*) FROM items")).isEqualTo(100);
    }
  }

  @Test
  void eightClonesAreCreatedAndDestroyedConcurrently() throws Exception {
    try (InstanceCloneManager m = Fixtures.manager(storage(), portBase()).start()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Long>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          String name = "par-" + i;
          int id = 300 + i;
          results.add(pool.submit(() -> {
            InstanceClone c = m.create(name);
            exec(c, "INSERT INTO items VALUES (" + id + ", 'x')");
            long n = count(c, "SELECT count(*) FROM items");
            c.destroy();
            return n;
          }));
        }
        for (Future<Long> f : results) {
          assertThat(f.get(150, TimeUnit.SECONDS)).isEqualTo(101);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(m.list()).isEmpty();
      assertThat(storage().volumes()).noneMatch(v -> v.startsWith("clone-par-"));
    }
  }

  @Test
  void idleClonesGoButProtectedOnesStay() throws Exception {
    try {
      try (InstanceCloneManager m = Fixtures.manager(storage(), portBase()).idleTimeout(Duration.ofSeconds(2)).start()) {
        InstanceClone kept = m.create("kept");
        kept.protect(true);
        InstanceClone busy = m.create("busy");
        try (var conn = busy.dataSource().getConnection()) {
          InstanceClone idle = m.create("idle");
          sleep(2500);
          List<String> removed = m.removeIdleClones();
          // the background check may be removing it at this moment
          for (int i = 0; i < 200 && !idle.isDestroyed(); i++) {
            sleep(50);
          }
          assertThat(idle.isDestroyed()).isTrue();
          assertThat(removed).doesNotContain("kept", "busy");
          assertThat(busy.isDestroyed()).isFalse();
          assertThat(kept.isDestroyed()).isFalse();
          assertThat(conn.isValid(2)).isTrue();
        }
        assertThat(kept.isProtected()).isTrue();
      }
    } finally {
      // the protected clone survives close; the next manager restarts it
      try (InstanceCloneManager m = Fixtures.manager(storage(), portBase()).start()) {
        InstanceClone kept = m.instance("kept").orElseThrow();
        try {
          assertThat(kept.state()).isEqualTo(CloneState.OK);
          assertThat(count(kept, "SELECT count(*) FROM items")).isEqualTo(100);
        } finally {
          kept.destroy();
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
