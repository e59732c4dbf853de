package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs applying to one database: the advisory lock makes one wait for the other, or time out naming it. */
class ApplyLockTest extends ApplyDatabaseTest {
  @TempDir Path tmp;

  /** The plan, with a step that sleeps outside a transaction (as a CONCURRENTLY step runs) appended. */
  private static Plan withSleep(Plan plan, int seconds) {
    List<Step> steps = new ArrayList<>(plan.steps());
    steps.add(new Step("custom", "Sleep", List.of("SELECT pg_sleep(" + seconds + ")"), List.of(), false, false, true,
        null));
    return new Plan(plan.dialect(), plan.sourceHash(), plan.targetHash(), steps, plan.rollbackSteps(), plan.source());
  }

  private Process child(Plan plan) throws Exception {
    Path file = tmp.resolve("plan-" + System.nanoTime() + ".json");
    Files.writeString(file, Planner.toJson(plan), StandardCharsets.UTF_8);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ApplyLockChild.class.getName(),
        pg.jdbcUrl(db), pg.user(), pg.password(), file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static String finish(Process p) throws Exception {
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void aSecondApplyTimesOutNamingTheHolderThenWaitsAndRunsAfterIt() throws Exception {
    Plan first = withSleep(planner.plan(pg.dataSource(db), Desired.sql("a.sql", "CREATE TABLE a (id int);")), 4);
    DatabaseSchema a = planner.load(Desired.sql("a.sql", "CREATE TABLE a (id int);"), Dialect.POSTGRESQL, 18);
    DatabaseSchema ab = planner.load(Desired.sql("ab.sql", "CREATE TABLE a (id int); CREATE TABLE b (id int);"),
        Dialect.POSTGRESQL, 18);
    Plan second = planner.plan(a, ab);
    Process child = child(first);
    try {
      Instant deadline = Instant.now().plusSeconds(60);
      while (count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          + "AND query = 'SELECT pg_sleep(4)'") != 1) {
        assertThat(Instant.now()).as("waiting for the child's sleeping step").isBefore(deadline);
        Thread.sleep(50);
      }
      long holder = count("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
          + "AND classid = 1819239275 AND objid = 1886151022");
      long applying = count("SELECT backend_pid FROM lockplane.history WHERE outcome = 'running'");
      assertThat(holder).as("the lock is held by a session of its own").isPositive().isNotEqualTo(applying);

      for (Duration wait : List.of(Duration.ZERO, Duration.ofMillis(300))) {
        Planner impatient = Lockplane.planner().applyLockWait(wait).build();
        assertThatThrownBy(() -> impatient.apply(second, pg.dataSource(db)))
            .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IN_USE))
            .hasMessageContaining("Another apply is running on database " + db)
            .hasMessageContaining("pid " + holder + ", user " + pg.user() + ", client 127.0.0.1")
            .hasMessageContaining("application_name 'PostgreSQL JDBC Driver', holding it since ")
            .hasMessageContaining("lock wait " + wait.toMillis() + " ms")
            .hasMessageContaining("Nothing was applied");
      }
      assertThat(count("SELECT count(*) FROM lockplane.history")).isEqualTo(1);

      List<String> told = new CopyOnWriteArrayList<>();
      ApplyResult r = Lockplane.planner().applyLockWait(Duration.ofMinutes(2)).build().apply(second,
          pg.dataSource(db), new ApplyListener() {
            @Override
            public void waitingForApplyLock(String h) {
              told.add(h);
            }
          });
      assertThat(told).singleElement().asString().contains("pid " + holder + ",");
      assertThat(finish(child)).startsWith("applied ");
      assertThat(child.exitValue()).isZero();

      List<HistoryEntry> history = planner.history(pg.dataSource(db));
      assertThat(history).extracting(HistoryEntry::outcome)
          .containsExactly(HistoryEntry.Outcome.APPLIED, HistoryEntry.Outcome.APPLIED);
      HistoryEntry childRun = history.get(0);
      assertThat(history.get(1).id()).isEqualTo(r.historyId());
      assertThat(childRun.steps()).isEqualTo(2);
      assertThat(childRun.user()).isEqualTo(pg.user());
      // Serialised: the second started after the first had finished.
      assertThat(history.get(1).started()).isAfterOrEqualTo(childRun.started().plus(childRun.duration()));
      assertThat(childRun.resultHash()).isEqualTo(history.get(1).sourceHash());
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void twoJvmsApplyingTheSamePlanTogetherApplyItOnce() throws Exception {
    Plan plan = withSleep(planner.plan(pg.dataSource(db), Desired.sql("t.sql", "CREATE TABLE t (id int);")), 3);
    Process child = child(plan);
    String mine;
    try {
      try {
        mine = "applied " + Lockplane.planner().applyLockWait(Duration.ofMinutes(2)).build()
            .apply(plan, pg.dataSource(db)).historyId();
      } catch (LockplaneException e) {
        mine = "refused " + e.code() + ": " + e.getMessage();
      }
      String theirs = finish(child);
      List<String> outcomes = List.of(mine.substring(0, mine.indexOf(' ')), theirs.substring(0, theirs.indexOf(' ')));
      assertThat(outcomes).as(mine + "\n" + theirs).containsExactlyInAnyOrder("applied", "refused");
      String refused = mine.startsWith("refused") ? mine : theirs;
      assertThat(refused).contains("SCHEMA_CHANGED", "extra table public.t");
    } finally {
      child.destroyForcibly();
    }
    assertThat(planner.history(pg.dataSource(db))).singleElement()
        .satisfies(h -> assertThat(h.outcome()).isEqualTo(HistoryEntry.Outcome.APPLIED));
    assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 't'")).isEqualTo(1);
  }
}
