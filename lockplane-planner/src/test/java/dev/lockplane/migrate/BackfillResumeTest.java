package dev.lockplane.migrate;

import static dev.lockplane.migrate.ExpandContractTest.count;
import static dev.lockplane.migrate.ExpandContractTest.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backfill over 300,000 rows that increments a counter, interrupted twice — once by interrupting its
 * thread, once by terminating its server session from another connection — and resumed: at every stop the
 * rows counted as done are exactly the rows incremented, and at the end every row was incremented once.
 */
class BackfillResumeTest {
  private static final int ROWS = 300_000;
  private static final Golden EVENTS = Golden.fromScripts(List.of(Script.of("events.sql", """
      CREATE TABLE events (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0, payload text NOT NULL);
      INSERT INTO events SELECT g * 3, 0, md5(g::text) FROM generate_series(1, 300000) g;
      ANALYZE events;
      """)));
  private static final String ID = "events-counter";
  private static final Backfill INCREMENT = Backfill.of("events", "id", "n = n + 1");

  private static CloneManager clones;

  @BeforeAll
  static void start() {
    String prefix = "bf" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    clones = CloneManagers.databases(SharedPostgres.get()).golden(EVENTS).databasePrefix(prefix).start();
  }

  @AfterAll
  static void stop() {
    if (clones != null) {
      clones.close();
    }
  }

  @Test
  void aBatchBlockedByARowLockGivesUpWithinItsLockTimeoutAndResumesLater() throws Exception {
    ExpandContractRunner runner = ExpandContractRunner.builder().batchSize(50_000)
        .batchLockTimeout(Duration.ofMillis(100)).batchAttempts(2).build();
    try (Clone db = clones.create(); Connection holder = db.dataSource().getConnection();
        Connection c = db.dataSource().getConnection()) {
      holder.setAutoCommit(false);
      // A long transaction holds one row of the third batch.
      exec(holder, "SELECT * FROM events WHERE id = 3 * 120000 FOR UPDATE");
      long start = System.nanoTime();
      assertThatThrownBy(() -> runner.backfill(c, "blocked", INCREMENT)).isInstanceOf(MigrationException.class)
          .hasMessageContaining("55P03").hasMessageContaining("run it again to resume");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      PhaseState stopped = ExpandContractRunner.status(c, "blocked").phase(Phase.MIGRATE);
      assertThat(stopped.status()).isEqualTo(PhaseStatus.FAILED);
      assertThat(stopped.rowsScanned()).isEqualTo(100_000);
      assertThat(count(c, "SELECT count(*) FROM events WHERE n = 1")).isEqualTo(100_000);
      holder.rollback();

      assertThat(runner.backfill(c, "blocked", INCREMENT).rowsScanned()).isEqualTo(ROWS);
      assertThat(count(c, "SELECT count(*) FROM events WHERE n <> 1")).isZero();
    }
  }

  @Test
  void interruptedBackfillResumesWithoutDuplicateOrLostRows() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Clone db = clones.create();
        Connection monitor = db.dataSource().getConnection()) {
      List<BackfillProgress> seen = new CopyOnWriteArrayList<>();
      AtomicBoolean interruptAt30 = new AtomicBoolean(true);
      ExpandContractRunner runner = ExpandContractRunner.builder().batchSize(2_000).listener(p -> {
        seen.add(p);
        if (p.batches() == 30 && interruptAt30.getAndSet(false)) {
          Thread.currentThread().interrupt();
        }
        try {
          Thread.sleep(3); // throttled, as a production backfill would be, so the second stop lands mid-run
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }).build();

      // 1. Interrupt the thread after 30 batches: it stops between batches.
      try (Connection c = db.dataSource().getConnection()) {
        Throwable stopped = catchFrom(() -> runner.backfill(c, ID, INCREMENT));
        assertThat(stopped).isInstanceOf(MigrationException.class).hasMessageContaining("interrupted");
        Thread.interrupted();
      }
      long afterFirst = checkConsistent(monitor);
      assertThat(afterFirst).isEqualTo(30 * 2_000L);
      assertThat(ExpandContractRunner.status(monitor, ID).describe())
          .isEqualTo("backfill of events (n = n + 1): migrate 20 % (failed, resumable: "
              + ExpandContractRunner.status(monitor, ID).phase(Phase.MIGRATE).error().orElseThrow() + ")");

      // 2. Resume, and terminate its session from another connection mid-run.
      Connection victim = db.dataSource().getConnection();
      long pid = count(victim, "SELECT pg_backend_pid()");
      Future<BackfillProgress> run = pool.submit(() -> runner.backfill(victim, ID, INCREMENT));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (scanned(monitor) < 150_000 && !run.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      assertThat(count(monitor, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)).isOne();
      count(monitor, "SELECT count(*) FROM (SELECT pg_terminate_backend(" + pid + ")) t");
      Throwable killed = catchFrom(() -> run.get(60, TimeUnit.SECONDS));
      assertThat(killed).hasRootCauseInstanceOf(java.sql.SQLException.class);
      victim.close();
      long afterSecond = checkConsistent(monitor);
      assertThat(afterSecond).isGreaterThan(afterFirst).isLessThan(ROWS);
      assertThat(ExpandContractRunner.status(monitor, ID).phase(Phase.MIGRATE).status())
          .isIn(PhaseStatus.RUNNING, PhaseStatus.FAILED);

      // 3. Resume to the end: every row incremented exactly once.
      BackfillProgress done;
      try (Connection c = db.dataSource().getConnection()) {
        done = runner.backfill(c, ID, INCREMENT);
        assertThat(done.rowsScanned()).isEqualTo(ROWS);
        assertThat(done.rowsUpdated()).isEqualTo(ROWS);
        assertThat(done.batches()).isEqualTo(ROWS / 2_000);
        assertThat(done.estimatedRows()).isEqualTo(ROWS);
        assertThat(done.fraction()).hasValue(1.0);
        assertThat(done.lastKey()).hasValue(String.valueOf(ROWS * 3L));
        // Completed: running it again changes nothing.
        runner.backfill(c, ID, INCREMENT);
      }
      assertThat(count(monitor, "SELECT count(*) FROM events WHERE n = 1")).isEqualTo(ROWS);
      assertThat(count(monitor, "SELECT count(*) FROM events WHERE n <> 1")).isZero();
      assertThat(ExpandContractRunner.status(monitor, ID).describe())
          .isEqualTo("backfill of events (n = n + 1): migrate done");
      // Progress reports counted on from where the interrupted runs stopped.
      assertThat(seen).extracting(BackfillProgress::batches).doesNotHaveDuplicates();
      assertThat(seen.get(seen.size() - 1).rowsScanned()).isEqualTo(ROWS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBackfillEndsAtTheLargestKeyOfItsStartWhileInsertsKeepAhead() throws Exception {
    try (Clone db = clones.create(); Connection writer = db.dataSource().getConnection();
        Connection c = db.dataSource().getConnection()) {
      // After every batch an application inserts rows beyond the table's end, more than a batch holds:
      // a backfill that followed them would never end.
      long[] next = {ROWS * 3L + 1};
      List<Long> batches = new CopyOnWriteArrayList<>();
      ExpandContractRunner runner = ExpandContractRunner.builder().batchSize(25_000).listener(p -> {
        batches.add(p.batches());
        if (p.batches() > ROWS / 25_000 + 2) {
          throw new AssertionError("the backfill followed the inserts past " + p.lastKey().orElseThrow());
        }
        try {
          exec(writer, "INSERT INTO events (id, payload) SELECT g, 'later' FROM generate_series(" + next[0] + ", "
              + (next[0] + 30_000 - 1) + ") g");
          next[0] += 30_000;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).build();

      BackfillProgress done = runner.backfill(c, "ahead", INCREMENT);

      assertThat(done.rowsScanned()).isEqualTo(ROWS);
      assertThat(done.batches()).isEqualTo(ROWS / 25_000);
      assertThat(done.lastKey()).hasValue(String.valueOf(ROWS * 3L));
      assertThat(batches).hasSize(ROWS / 25_000);
      assertThat(count(c, "SELECT count(*) FROM events WHERE payload <> 'later' AND n = 1")).isEqualTo(ROWS);
      assertThat(count(c, "SELECT count(*) FROM events WHERE payload = 'later'")).isGreaterThan(ROWS);
      assertThat(count(c, "SELECT count(*) FROM events WHERE payload = 'later' AND n <> 0")).isZero();
    }
  }

  /** The recorded position counts exactly the incremented rows, all below it; none is incremented twice. */
  private static long checkConsistent(Connection c) throws Exception {
    long scanned = scanned(c);
    String last = ExpandContractRunner.status(c, ID).phase(Phase.MIGRATE).lastKey().orElseThrow();
    assertThat(count(c, "SELECT count(*) FROM events WHERE n = 1")).isEqualTo(scanned);
    assertThat(count(c, "SELECT count(*) FROM events WHERE n = 1 AND id > " + last)).isZero();
    assertThat(count(c, "SELECT count(*) FROM events WHERE n = 0 AND id <= " + last)).isZero();
    assertThat(count(c, "SELECT count(*) FROM events WHERE n > 1")).isZero();
    assertThat(count(c, "SELECT rows_updated FROM lockplane.migration_state WHERE migration_id = '" + ID
        + "' AND phase = 'migrate'")).isEqualTo(scanned);
    return scanned;
  }

  private static long scanned(Connection c) throws Exception {
    return count(c, "SELECT coalesce(max(rows_scanned), 0) FROM lockplane.migration_state WHERE migration_id = '"
        + ID + "' AND phase = 'migrate'");
  }

  @FunctionalInterface
  private interface Action {
    Object run() throws Exception;
  }

  private static Throwable catchFrom(Action a) {
    try {
      a.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected the backfill to stop");
  }
}
