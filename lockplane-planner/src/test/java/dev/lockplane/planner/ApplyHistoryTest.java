package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.SchemaStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planner#history and #status: reading the history table, and a table from an older version gaining its columns. */
class ApplyHistoryTest extends ApplyDatabaseTest {
  @TempDir Path tmp;

  @Test
  void aHistoryTableOfTheFirstVersionGainsTheNewColumnsAndKeepsItsRows() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA lockplane");
      s.execute("CREATE TABLE lockplane.history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
          + "started_at timestamptz NOT NULL, duration_ms bigint, source_hash text NOT NULL, "
          + "target_hash text NOT NULL, result_hash text, outcome text NOT NULL, error text, plan jsonb NOT NULL)");
      s.execute("INSERT INTO lockplane.history (started_at, duration_ms, source_hash, target_hash, result_hash, "
          + "outcome, plan) VALUES ('2025-06-01T10:00:00Z', 12, 'sha256:old', 'sha256:older', 'sha256:older', "
          + "'applied', '{\"formatVersion\":1,\"plan\":{\"steps\":[{},{}]}}')");
    }
    assertThat(planner.history(pg.dataSource(db))).singleElement().satisfies(e -> {
      assertThat(e.user()).isNull();
      assertThat(e.steps()).isEqualTo(2);
    });
    Desired desired = Desired.sql("t.sql", "CREATE TABLE t (id int);");
    assertThat(planner.status(pg.dataSource(db), desired).state()).isEqualTo(SchemaStatus.State.DRIFTED);
    Plan plan = planner.plan(pg.dataSource(db), desired);
    planner.apply(plan, pg.dataSource(db));

    List<HistoryEntry> history = planner.history(pg.dataSource(db));
    assertThat(history).hasSize(2);
    assertThat(history.get(0).clientHost()).isNull();
    HistoryEntry mine = history.get(1);
    assertThat(mine.user()).isEqualTo(pg.user());
    assertThat(mine.clientAddress()).isEqualTo("127.0.0.1");
    assertThat(mine.outcome()).isEqualTo(HistoryEntry.Outcome.APPLIED);
    assertThat(mine.resultHash()).isEqualTo(plan.targetHash());
    assertThat(planner.historyPlan(pg.dataSource(db), mine.id())).hasValueSatisfying(p -> {
      assertThat(p.steps()).isEqualTo(plan.steps());
      assertThat(p.digest()).isEqualTo(plan.digest());
    });
    assertThat(planner.historyPlan(pg.dataSource(db), 42)).isEmpty();
    assertThat(planner.status(pg.dataSource(db), desired).state()).isEqualTo(SchemaStatus.State.AT_DESIRED_STATE);
  }

  @Test
  void sqliteHistoryRecordsTheOperatingSystemUserAndAFreshDatabaseHasNone() throws Exception {
    String url = "jdbc:sqlite:" + tmp.resolve("h.db");
    org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
    ds.setUrl(url);
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().execute("CREATE TABLE a (id INTEGER PRIMARY KEY)");
    }
    assertThat(planner.history(ds)).isEmpty();
    Desired desired = Desired.sql("s.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER);");
    assertThat(planner.status(ds, desired).state()).isEqualTo(SchemaStatus.State.BEHIND);
    planner.apply(planner.plan(ds, desired), ds);
    assertThat(planner.history(ds)).singleElement().satisfies(e -> {
      assertThat(e.user()).isEqualTo(System.getProperty("user.name"));
      assertThat(e.clientAddress()).isEqualTo("local");
      assertThat(e.steps()).isEqualTo(1);
      assertThat(e.outcome()).isEqualTo(HistoryEntry.Outcome.APPLIED);
    });
    assertThat(planner.status(ds, Desired.sql("s.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);")).state())
        .isEqualTo(SchemaStatus.State.AHEAD);
  }
}
