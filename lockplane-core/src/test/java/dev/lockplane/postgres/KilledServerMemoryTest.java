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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A killed server's shared memory — its System V segment and its {@code /dev/shm} segments, which
 * PostgreSQL removes only when a server starts again on the same data directory — goes when the
 * runtime lets go of the server, and nothing of a live server goes with it. A backend busy in a query
 * when its postmaster is killed runs on (it looks only when it next waits) and keeps the memory in
 * use: it is ended first.
 */
class KilledServerMemoryTest {

  private static boolean hasParallelWorkers(Statement s) throws java.sql.SQLException {
    try (var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'parallel worker'")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  // 13 and 18: the control segment's slots changed size in between
  @ParameterizedTest
  @ValueSource(ints = {13, 18})
  void aKilledServersSharedMemoryGoesWhenTheRuntimeLetsGoOfItAndALiveServersStays(int version) throws Exception {
    try (LocalPostgres live = LocalPostgres.builder().start();
        LocalPostgres killed = LocalPostgres.builder().version(version).start()) {
      try (Connection c = killed.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t AS SELECT g FROM generate_series(1, 20000) g");
      }
      // a parallel query under way holds a dynamic segment of its own, listed in the control segment
      Connection querying = killed.connect("postgres");
      Thread query = new Thread(() -> {
        try (Statement s = querying.createStatement()) {
          s.execute("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
              + " SET max_parallel_workers_per_gather = 2");
          s.executeQuery("SELECT count(*) FROM t, generate_series(1, 100000) i WHERE md5(g::text || i) = 'x'").close();
        } catch (java.sql.SQLException ended) {
          // the server is killed under it
        }
      });
      query.start();
      try (Connection c = killed.connect("postgres"); Statement s = c.createStatement()) {
        for (int i = 0; i < 500 && !hasParallelWorkers(s); i++) {
          Thread.sleep(20);
        }
        assertThat(hasParallelWorkers(s)).isTrue();
      }
      ServerMemory liveMemory = ServerMemory.of(live.pid());
      ServerMemory memory = ServerMemory.of(killed.pid());
      assertThat(memory.dynamic()).as("the control segment and the query's").hasSizeGreaterThanOrEqualTo(2);
      assertThat(memory.held()).isTrue();
      assertThat(liveMemory.held()).isTrue();
      Path data = killed.dataDirectory();

      // while the server runs, nothing is released, nor through a copy of its pid file elsewhere
      // (a clone of a running cluster's files has one)
      assertThat(SharedMemory.releaseLeftBy(data, Duration.ZERO)).isZero();
      Path copy = Files.createTempDirectory("lockplane-copied-");
      try {
        Files.copy(data.resolve("postmaster.pid"), copy.resolve("postmaster.pid"));
        Files.copy(data.resolve("PG_VERSION"), copy.resolve("PG_VERSION"));
        assertThat(SharedMemory.releaseLeftBy(copy, Duration.ofSeconds(5))).isZero();
      } finally {
        FileTrees.deleteQuietly(copy);
      }
      assertThat(memory.held()).isTrue();
      assertThat(query.isAlive()).isTrue();

      long pid = killed.pid();
      Posix.kill(pid, Signal.SIGKILL);
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
      assertThat(data.resolve("postmaster.pid")).as("a killed server leaves its pid file").exists();
      killed.close();
      query.join(30_000);
      assertThat(query.isAlive()).as("the backend busy in the query was ended").isFalse();
      querying.close();

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
