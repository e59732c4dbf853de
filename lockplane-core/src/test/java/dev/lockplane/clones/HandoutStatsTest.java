package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.clone.HandoutStats;
import dev.lockplane.internal.clone.HandoutTimer.Phase;
import dev.lockplane.internal.clone.PrefetchingCloneManager;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The pool times every handout phase by phase, on the caller's thread and in the background: the
 * handouts add up (ready + waited + made on demand), every phase that ran has as many samples as it
 * ran, and no time is negative.
 */
class HandoutStatsTest {
  private static final Golden NOTES = Golden.fromScripts(List.of(Script.of("notes.sql", """
      CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
      INSERT INTO notes (body) VALUES ('first'), ('second');
      """)));

  private static String prefix() {
    return "h" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  /** Uses a clone the way a short test does: one connection, a write, a read. */
  private static void use(Clone c) throws Exception {
    try (Connection conn = c.dataSource().getConnection(); Statement s = conn.createStatement()) {
      s.execute("INSERT INTO notes (body) VALUES ('third')");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM notes")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
    }
  }

  private static HandoutStats await(PrefetchingCloneManager pool, Predicate<HandoutStats> done) throws InterruptedException {
    HandoutStats s = pool.handoutStats();
    for (int i = 0; i < 1500 && !done.test(s); i++) {
      Thread.sleep(20);
      s = pool.handoutStats();
    }
    return s;
  }

  private static void phasesAreSane(HandoutStats s) {
    for (HandoutStats.PhaseStats p : s.phases()) {
      assertThat(p.p50Millis()).as(p.phase() + " p50").isGreaterThanOrEqualTo(0);
      assertThat(p.p95Millis()).as(p.phase() + " p95").isGreaterThanOrEqualTo(p.p50Millis());
      assertThat(p.totalMillis()).as(p.phase() + " total").isGreaterThanOrEqualTo(p.count() == 0 ? 0 : p.p50Millis() / p.count());
      if (p.count() == 0) {
        assertThat(p.totalMillis()).as(p.phase() + " total without samples").isZero();
      }
    }
  }

  @Test
  void droppedClonesAddUp() throws Exception {
    int n = 6;
    try (PrefetchingCloneManager pool = (PrefetchingCloneManager) CloneManagers.prefetching(
        CloneManagers.databases(SharedPostgres.get()).golden(NOTES).databasePrefix(prefix()).start(), 1)) {
      await(pool, s -> s.phase(Phase.WARM).count() >= 1); // the first spare, made and warmed
      for (int i = 0; i < n; i++) {
        Clone c = pool.create();
        use(c);
        c.destroy();
      }
      HandoutStats s = await(pool, x -> x.phase(Phase.DROP).count() >= n);
      assertThat(s.handouts()).isEqualTo(n);
      assertThat(s.readyAtOnce() + s.waitedForSpare() + s.madeOnDemand()).isEqualTo(n);
      assertThat(s.readyAtOnce()).as("the first handout found its spare ready").isGreaterThanOrEqualTo(1);
      assertThat(s.phase(Phase.WAIT).count()).isEqualTo(n);
      assertThat(s.phase(Phase.CONNECT).count()).as("one connection a handout").isEqualTo(n);
      assertThat(s.warmConnections()).as("connections opened in advance").isBetween(1L, (long) n);
      // every handout from a spare was a clone the producer made, and it goes on making spares
      assertThat(s.phase(Phase.MAKE).count()).isGreaterThanOrEqualTo(s.readyAtOnce() + s.waitedForSpare());
      assertThat(s.phase(Phase.DROP).count()).isEqualTo(n);
      assertThat(s.phase(Phase.RECYCLE).count()).isZero();
      assertThat(s.phase(Phase.BEFORE_BODY).count()).as("no test framework here").isZero();
      assertThat(s.phase(Phase.MAKE).p50Millis()).as("a CREATE DATABASE takes time").isPositive();
      assertThat(s.capacityPerSecond()).isPositive();
      assertThat(s.summary()).startsWith(n + " handouts (").contains("make a spare (background) n=").contains("wait for a clone n=" + n);
      phasesAreSane(s);
    }
  }

  @Test
  void recycledClonesAreTimedAsRecycles() throws Exception {
    int n = 4;
    try (PrefetchingCloneManager pool = (PrefetchingCloneManager) CloneManagers.recycling(
        CloneManagers.databases(SharedPostgres.get()).golden(NOTES).databasePrefix(prefix()).start(), 1)) {
      for (int i = 0; i < n; i++) {
        Clone c = pool.create();
        use(c);
        c.destroy();
      }
      HandoutStats s = await(pool, x -> x.phase(Phase.RECYCLE).count() + x.phase(Phase.DROP).count() >= n);
      assertThat(s.handouts()).isEqualTo(n);
      assertThat(s.readyAtOnce() + s.waitedForSpare() + s.madeOnDemand()).isEqualTo(n);
      assertThat(s.phase(Phase.RECYCLE).count() + s.phase(Phase.DROP).count()).as("each used clone recycled or dropped")
          .isEqualTo(n);
      assertThat(s.phase(Phase.RECYCLE).count()).as("a test that inserted a row is recycled").isPositive();
      assertThat(s.producers()).isGreaterThan(1);
      phasesAreSane(s);
    }
  }
}
