package dev.lockplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.internal.postgres.SharedMemory;
import dev.lockplane.testing.ServerMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jnr.constants.platform.Signal;
import org.junit.jupiter.api.Test;

/**
 * A killed server's shared memory — its System V segment and its {@code /dev/shm} segments, which
 * PostgreSQL removes only when a server starts again on the same data directory — goes when the
 * runtime lets go of the server, and nothing of a live server goes with it.
 */
class KilledServerMemoryTest {

  @Test
  void aKilledServersSharedMemoryGoesWhenTheRuntimeLetsGoOfItAndALiveServersStays() throws Exception {
    try (LocalPostgres live = LocalPostgres.builder().start(); LocalPostgres killed = LocalPostgres.builder().start()) {
      try (Connection c = killed.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t AS SELECT g FROM generate_series(1, 20000) g");
      }
      ServerMemory liveMemory = ServerMemory.of(live.pid());
      ServerMemory memory = ServerMemory.of(killed.pid());
      assertThat(memory.dynamic()).as("the control segment at least").isNotEmpty();
      assertThat(memory.held()).isTrue();
      assertThat(liveMemory.held()).isTrue();
      Path data = killed.dataDirectory();

      // while the server runs, nothing is released
      assertThat(SharedMemory.releaseLeftBy(data, Duration.ZERO)).isZero();
      assertThat(memory.held()).isTrue();

      long pid = killed.pid();
      Posix.kill(pid, Signal.SIGKILL);
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
      assertThat(data.resolve("postmaster.pid")).as("a killed server leaves its pid file").exists();
      killed.close();

      assertThat(memory.released()).as(String.valueOf(memory)).isTrue();
      assertThat(liveMemory.held()).isTrue();
      assertThat(ServerMemory.of(live.pid()).dynamic()).containsAll(liveMemory.dynamic());
      try (Connection c = live.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("SELECT 1");
      }
    }
  }

  @Test
  void aServerThatShutDownLeavesNothingToRelease() throws Exception {
    Path data = Files.createTempDirectory("lockplane-kept-");
    try {
      LocalPostgres pg = LocalPostgres.builder().dataDirectory(data).start();
      ServerMemory memory = ServerMemory.of(pg.pid());
      pg.close();
      assertThat(memory.released()).isTrue();
      assertThat(data.resolve("postmaster.pid")).doesNotExist();
      assertThat(SharedMemory.releaseLeftBy(data, Duration.ZERO)).isZero();
    } finally {
      FileTrees.deleteQuietly(data);
    }
  }
}
