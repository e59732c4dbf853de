package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyBackup;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.HistoryEntry;
import dev.lockplane.plan.Plan;
import dev.lockplane.schema.Dialect;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Planner.Builder#backupFirst on a real PostgreSQL database: when the hook runs, what it is told, the
 * backup id in the history (also in a history table made before the column existed), and a failing
 * backup stopping the apply.
 */
class ApplyBackupFirstTest extends ApplyDatabaseTest {
  private final List<ApplyBackup.Target> calls = new ArrayList<>();

  private Planner planner(ApplyBackup.When when) {
    return Lockplane.planner().scratchServer(pg).allowDataLoss(true).backupFirst(t -> {
      calls.add(t);
      return "backup-" + calls.size();
    }, when).build();
  }

  @Test
  void riskyPlansAreBackedUpFirstAndTheIdIsRecordedNextToThePlan() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      // a history table of a version before backups were recorded
      s.execute("CREATE SCHEMA lockplane");
      s.execute("CREATE TABLE lockplane.history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
          + "started_at timestamptz NOT NULL, duration_ms bigint, source_hash text NOT NULL, "
          + "target_hash text NOT NULL, result_hash text, outcome text NOT NULL, error text, plan jsonb NOT NULL)");
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, discount int)");
      s.execute("INSERT INTO orders VALUES (1, 5), (2, NULL)");
    }
    Planner risky = planner(ApplyBackup.When.RISKY);
    Plan safe = risky.plan(pg.dataSource(db), Desired.sql("s.sql",
        "CREATE TABLE orders (id int PRIMARY KEY, discount int); CREATE TABLE notes (id int);"));
    assertThat(risky.apply(safe, pg.dataSource(db)).backupId()).isNull();
    assertThat(calls).as("a safe plan under RISKY").isEmpty();

    Plan lossy = risky.plan(pg.dataSource(db), Desired.sql("s.sql",
        "CREATE TABLE orders (id int PRIMARY KEY); CREATE TABLE notes (id int);"));
    ApplyResult r = risky.apply(lossy, pg.dataSource(db));
    assertThat(r.backupId()).isEqualTo("backup-1");
    assertThat(r.toText()).contains("Backed up first: backup backup-1.");
    assertThat(calls).singleElement().satisfies(t -> {
      assertThat(t.dialect()).isEqualTo(Dialect.POSTGRESQL);
      assertThat(t.database()).isEqualTo(db);
      assertThat(t.schemaHash()).isEqualTo(lossy.sourceHash());
      assertThat(t.jdbcUrl()).contains("/" + db).doesNotContain("password");
      assertThat(t.plan()).isEqualTo(lossy);
    });
    List<HistoryEntry> history = risky.history(pg.dataSource(db));
    assertThat(history).extracting(HistoryEntry::backupId).containsExactly(null, "backup-1");
    assertThat(history.get(1).toText()).endsWith("backup backup-1");
    assertThat(count("SELECT count(*) FROM lockplane.history WHERE backup_id = 'backup-1'")).isEqualTo(1);

    Planner always = planner(ApplyBackup.When.ALWAYS);
    Plan add = always.plan(pg.dataSource(db), Desired.sql("s.sql",
        "CREATE TABLE orders (id int PRIMARY KEY); CREATE TABLE notes (id int); CREATE TABLE tags (id int);"));
    assertThat(always.apply(add, pg.dataSource(db)).backupId()).isEqualTo("backup-2");
  }

  @Test
  void aFailedBackupStopsTheApplyBeforeAnyStep() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, discount int)");
    }
    Planner failing = Lockplane.planner().scratchServer(pg).backupFirst(t -> {
      throw new LockplaneException(ErrorCode.IO_ERROR, "the repository's disk is gone");
    }, ApplyBackup.When.ALWAYS).build();
    Plan plan = failing.plan(pg.dataSource(db), Desired.sql("s.sql",
        "CREATE TABLE orders (id int PRIMARY KEY, discount int); CREATE TABLE notes (id int);"));
    assertThatThrownBy(() -> failing.apply(plan, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR))
        .hasMessageContaining("The backup before the apply failed, so nothing was applied: the repository's disk is gone");
    assertThat(count("SELECT count(*) FROM pg_class WHERE relname = 'notes'")).isZero();
    assertThat(count("SELECT count(*) FROM lockplane.history")).isZero();
    assertThatThrownBy(() -> Lockplane.planner().backupFirst(t -> "x", ApplyBackup.When.RISKY)
        .backupFirst(t -> "y", ApplyBackup.When.ALWAYS))
        .hasMessageContaining("backupFirst is already set to");
  }
}
