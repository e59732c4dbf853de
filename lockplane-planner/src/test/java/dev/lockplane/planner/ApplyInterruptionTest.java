package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.InterruptedRun;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Applies that end badly: a JVM killed mid-apply, a connection terminated mid-step. */
class ApplyInterruptionTest extends ApplyDatabaseTest {

  private void waitFor(String what, String countQuery, long expected) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (count(countQuery) != expected) {
      assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void aRunLeftRunningByAKilledJvmIsMarkedInterruptedByTheNextApply() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ApplyChild.class.getName(),
        pg.jdbcUrl(db), pg.user(), pg.password()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      waitFor("the child's apply to be sleeping", "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND query LIKE 'SELECT pg_sleep(120)%'", 1);
      long childPid = count("SELECT backend_pid FROM lockplane.history WHERE outcome = 'running'");
      assertThat(childPid).isPositive();

      // While the child's backend lives, it holds the apply lock (on its one connection) and its run is not stale.
      Plan first = planner.plan(pg.dataSource(db), Desired.sql("a.sql", "CREATE TABLE a (id int);"));
      assertThatThrownBy(() -> Lockplane.planner().applyLockWait(Duration.ZERO).build()
          .apply(first, pg.dataSource(db)))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IN_USE))
          .hasMessageContaining("pid " + childPid + ",");
      assertThat(count("SELECT count(*) FROM lockplane.history WHERE outcome = 'running'")).isEqualTo(1);

      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      waitFor("the killed client's backend to end", "SELECT count(*) FROM pg_stat_activity WHERE pid = " + childPid, 0);
    } finally {
      child.destroyForcibly();
    }
    long runningId = count("SELECT id FROM lockplane.history WHERE outcome = 'running'");
    Plan next = planner.plan(pg.dataSource(db), Desired.sql("b.sql", "CREATE TABLE b (id int);"));
    List<InterruptedRun> told = new ArrayList<>();
    ApplyResult r = planner.apply(next, pg.dataSource(db), new ApplyListener() {
      @Override
      public void interruptedRunFound(InterruptedRun run) {
        told.add(run);
      }
    });
    assertThat(r.interruptedRuns()).singleElement().satisfies(run -> assertThat(run.historyId()).isEqualTo(runningId));
    assertThat(told).isEqualTo(r.interruptedRuns());
    assertThat(r.toText()).contains("apply #" + runningId).contains("now recorded as 'interrupted'");
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT outcome, error FROM lockplane.history WHERE id = " + runningId)) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("interrupted");
      assertThat(rs.getString(2)).contains("ended before recording an outcome");
    }
  }

  /** Inserts, between the plan's steps, one that sleeps until the test terminates its backend. */
  private Plan withSleepingStep(Plan plan, int at, boolean transactional) {
    List<Step> steps = new ArrayList<>();
    for (Step s : plan.steps()) {
      steps.add(new Step(s.operation(), s.description(), s.sql(), s.objects(), transactional, s.destructive(),
          s.reversible(), s.renamedFrom()));
    }
    steps.add(at, new Step("custom", "Wait for the terminator", List.of("SELECT pg_sleep(60)"), List.of(),
        transactional, false, true, null));
    return new Plan(plan.dialect(), plan.sourceHash(), plan.targetHash(), steps, plan.rollbackSteps(), plan.source());
  }

  private ApplyListener terminatorAt(int index) {
    return new ApplyListener() {
      @Override
      public void stepStarted(int i, int total, Step step) {
        if (i == index) {
          CompletableFuture.runAsync(() -> {
            try {
              waitFor("the sleeping step", "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  + " AND query = 'SELECT pg_sleep(60)'", 1);
              // In the select list, not the WHERE clause: only the rows that passed the filter are terminated.
              assertThat(count("SELECT count(*) FILTER (WHERE terminated) FROM (SELECT pg_terminate_backend(pid) AS "
                  + "terminated FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                  + "AND query = 'SELECT pg_sleep(60)') AS t")).isEqualTo(1);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
        }
      }
    };
  }

  @Test
  void aTerminatedConnectionInsideThePlansTransactionNamesTheStepAndSaysNothingWasCommitted() throws Exception {
    Plan plan = withSleepingStep(planner.plan(pg.dataSource(db),
        Desired.sql("t.sql", "CREATE TABLE t (id int); CREATE TABLE u (id int);")), 1, true);
    assertThatThrownBy(() -> planner.apply(plan, pg.dataSource(db), terminatorAt(1)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.APPLY_FAILED))
        .hasMessageContaining("Step 2 of 3 (Wait for the terminator) failed: ")
        .hasMessageContaining("terminating connection due to administrator command")
        .hasMessageContaining("Statement: SELECT pg_sleep(60)")
        .hasMessageContaining("Nothing was changed: steps 1-2 ran together in one transaction, which was rolled back.")
        .hasMessageContaining("The connection to the database was lost")
        .hasMessageContaining("the next apply marks it interrupted");
    assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isZero();
    // The row the dead connection could not finish is the next apply's to close.
    Plan again = planner.plan(pg.dataSource(db), Desired.sql("t.sql", "CREATE TABLE t (id int);"));
    assertThat(planner.apply(again, pg.dataSource(db)).interruptedRuns()).hasSize(1);
  }

  @Test
  void aTerminatedConnectionOutsideATransactionListsTheCommittedSteps() throws Exception {
    Plan plan = withSleepingStep(planner.plan(pg.dataSource(db),
        Desired.sql("t.sql", "CREATE TABLE t (id int); CREATE TABLE u (id int);")), 1, false);
    assertThatThrownBy(() -> planner.apply(plan, pg.dataSource(db), terminatorAt(1)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.APPLY_FAILED))
        .hasMessageContaining("Step 2 of 3 (Wait for the terminator) failed: ")
        .hasMessageContaining("terminating connection due to administrator command")
        .hasMessageContaining("Committed before the failure: step 1 (" + plan.steps().get(0).description() + ").")
        .hasMessageContaining("Step 2 runs outside a transaction; its failed statement committed nothing.");
    assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isEqualTo(1);
  }
}
