package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyBackup;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Desired;
import dev.lockplane.planner.Lockplane;
import dev.lockplane.planner.Planner;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup a planner takes before an apply, on a real PostgreSQL server (15, the machine's pg_dump):
 * a logical backup of the target taken before the first statement ran (it still holds the dropped
 * column's values), its id in {@code lockplane.history}, the migration state it records, the
 * automatic mode backing up a lossy plan and not a safe one, and a failing backup stopping the apply
 * before any change.
 */
class BeforeApplyBackupTest {
  static LocalPostgres pg15;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    pg15 = LocalPostgres.builder().version(15).start();
    assumeTrue(pg15.installation().tool("pg_dump").isPresent() || dev.lockplane.testing.Requirements.strict(),
        "needs pg_dump 15 (apt-get install postgresql-client-15)");
  }

  @AfterAll
  static void stop() {
    if (pg15 != null) {
      pg15.close();
    }
  }

  private static String shop(String name) throws Exception {
    try (Connection c = pg15.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    try (Connection c = pg15.connect(name); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, discount int)");
      s.execute("INSERT INTO orders SELECT i, 'item' || i, i * 10 FROM generate_series(1, 12) i");
    }
    return name;
  }

  private static long count(String db, String sql) throws Exception {
    try (Connection c = pg15.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Plan plan(Planner planner, String db, String sql) {
    return planner.plan(pg15.dataSource(db), Desired.sql("schema.sql", sql));
  }

  @Test
  void aLossyPlanIsBackedUpBeforeItsFirstStepAndASafeOneIsNot() throws Exception {
    String db = shop("before_apply_risky");
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    Planner planner = Lockplane.planner().scratchServer(pg15).allowDataLoss(true)
        .backupFirst(repo.beforeApply().localServer(pg15), ApplyBackup.When.RISKY).build();

    Plan safe = plan(planner, db, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL, discount int);"
        + " CREATE TABLE notes (id int PRIMARY KEY);");
    ApplyResult safeResult = planner.apply(safe, pg15.dataSource(db));
    assertThat(safeResult.backupId()).as("a safe plan takes no backup").isNull();
    assertThat(repo.list()).isEmpty();

    Plan lossy = plan(planner, db, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL);"
        + " CREATE TABLE notes (id int PRIMARY KEY);");
    assertThat(ApplyBackup.When.isRisky(lossy)).isTrue();
    ApplyResult r = planner.apply(lossy, pg15.dataSource(db));
    assertThat(r.backupId()).isNotNull();
    assertThat(count(db, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'discount'")).isZero();
    try (Connection c = pg15.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT backup_id, outcome FROM lockplane.history ORDER BY id DESC LIMIT 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(r.backupId());
      assertThat(rs.getString(2)).isEqualTo("applied");
    }

    Backup b = repo.show(r.backupId());
    assertThat(b.kind()).isEqualTo(BackupKind.LOGICAL);
    assertThat(b.tags()).containsExactly(BeforeApplyBackup.TAG);
    assertThat(b.databases()).containsExactly(db);
    BackupSchemaState st = repo.schemaState(b.id(), db).orElseThrow();
    assertThat(st.schemaHash()).as("the schema the plan started from").isEqualTo(lossy.sourceHash());
    assertThat(st.lastMigration()).as("the safe plan's apply, #1").isEqualTo(1);
    // taken before the first statement: the backup still holds the column the plan dropped, with its values
    try (RestoredServer copy = repo.restore(b.id()).asServer(); Connection c = copy.server().connect(db);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, discount FROM orders")) {
      Map<Integer, Integer> discounts = new TreeMap<>();
      while (rs.next()) {
        discounts.put(rs.getInt(1), rs.getInt(2));
      }
      assertThat(discounts).hasSize(12).containsEntry(1, 10).containsEntry(12, 120);
    }
    assertThat(repo.list()).hasSize(1);
  }

  @Test
  void aFailingBackupStopsTheApplyBeforeAnyChange() throws Exception {
    String db = shop("before_apply_failing");
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    // a physical backup as a role the server does not know: the server refuses it
    Planner planner = Lockplane.planner().scratchServer(pg15).allowDataLoss(true)
        .backupFirst(repo.beforeApply().credentials("no_such_role", "wrong-password-3f9a"), ApplyBackup.When.ALWAYS)
        .build();
    Plan lossy = plan(planner, db, "CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL);");
    assertThatThrownBy(() -> planner.apply(lossy, pg15.dataSource(db)))
        .isInstanceOf(LockplaneException.class)
        .hasMessageNotContaining("wrong-password-3f9a");
    assertThat(count(db, "SELECT count(discount) FROM orders")).as("the column and its values are untouched")
        .isEqualTo(12);
    assertThat(count(db, "SELECT count(*) FROM lockplane.history WHERE outcome = 'applied'")).isZero();
    assertThat(repo.list()).isEmpty();
  }
}
