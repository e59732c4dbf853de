package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.backup.BackupTimeline.Kind;
import dev.lockplane.backup.LossEstimate.Comparison;
import dev.lockplane.backup.LossEstimate.TableLoss;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.LoopFilesystem;
import dev.lockplane.testing.ProductionServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What restoring a live database to a recovery target would lose, and the repository's timeline: a
 * production server is backed up and archived, then changed in every way a table can change after
 * the target (rows inserted, updated, deleted; a table without a primary key; a table created, one
 * dropped, a column added), and the estimate must count exactly those changes, read through a
 * read-only role.
 */
class LossEstimateTest {
  @TempDir static Path tmp;
  static ProductionServer prod;
  static BackupRepository repo;
  static Backup base;
  static Instant target;

  private static String switchWal(ProductionServer prod) throws Exception {
    try (Connection c = prod.server().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("SELECT txid_current()");
      try (ResultSet rs = s.executeQuery("SELECT pg_switch_wal()::text")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @BeforeAll
  static void changeEverythingAfterATarget() throws Exception {
    prod = ProductionServer.start();
    prod.exec("postgres", "CREATE DATABASE shop");
    prod.exec("shop",
        "CREATE TABLE orders (id int PRIMARY KEY, amount int, note text)",
        "INSERT INTO orders SELECT g, g * 10, 'n' || g FROM generate_series(1, 100) g",
        "CREATE TABLE events (kind text, n int)",
        "INSERT INTO events VALUES ('a', 1), ('a', 1), ('a', 1), ('b', 2), ('b', 2)",
        "CREATE TABLE legacy (id int PRIMARY KEY)",
        "INSERT INTO legacy SELECT generate_series(1, 5)",
        "CREATE TABLE \"Odd Name\" (k text, v int, PRIMARY KEY (v, k))",
        "INSERT INTO \"Odd Name\" VALUES ('x', 1), ('y', 2)",
        // the history table as the planner's apply makes it (this module does not depend on the planner)
        "CREATE SCHEMA lockplane",
        "CREATE TABLE lockplane.history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, started_at timestamptz NOT NULL,"
            + " duration_ms bigint, source_hash text NOT NULL, target_hash text NOT NULL, result_hash text,"
            + " outcome text NOT NULL, error text, plan jsonb NOT NULL)",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + ProductionServer.READER,
        "GRANT USAGE ON SCHEMA lockplane TO " + ProductionServer.READER,
        "GRANT SELECT ON lockplane.history TO " + ProductionServer.READER);
    repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    try (WalArchiver archiver = repo.walArchiver().source(prod.url("postgres"), ProductionServer.REPLICATOR,
        ProductionServer.PASSWORD).slot("lp_loss").createSlot().start()) {
      base = repo.backup().physical(prod.url("postgres"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).run();
      prod.exec("shop", "INSERT INTO orders SELECT g, g * 10, 'n' || g FROM generate_series(101, 110) g");
      Thread.sleep(100);
      target = Instant.now();
      Thread.sleep(100);
      prod.exec("shop",
          "INSERT INTO orders SELECT g, g * 10, 'late' FROM generate_series(111, 130) g",
          "UPDATE orders SET amount = amount + 1 WHERE id <= 7",
          "DELETE FROM orders WHERE id BETWEEN 50 AND 52",
          "INSERT INTO events VALUES ('a', 1), ('c', 3)",
          "DELETE FROM events WHERE ctid = (SELECT min(ctid) FROM events WHERE kind = 'b')",
          "UPDATE \"Odd Name\" SET k = 'z' WHERE v = 2",
          "CREATE TABLE coupons (id int PRIMARY KEY)",
          "INSERT INTO coupons SELECT generate_series(1, 4)",
          "GRANT SELECT ON coupons TO " + ProductionServer.READER,
          "DROP TABLE legacy",
          // a column added after the target must not make every row look updated
          "ALTER TABLE orders ADD COLUMN flagged boolean NOT NULL DEFAULT false",
          "INSERT INTO lockplane.history (started_at, duration_ms, source_hash, target_hash, outcome, plan)"
              + " VALUES (now(), 12, 'aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb', 'succeeded', '{}')");
      archiver.awaitArchived(switchWal(prod), Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    if (prod != null) {
      prod.close();
    }
  }

  private static Connection reader() throws Exception {
    return DriverManager.getConnection(prod.server().jdbcUrl("shop"), ProductionServer.READER, ProductionServer.PASSWORD);
  }

  @Test
  void estimatesEveryKindOfChangeAfterTheTargetThroughAReadOnlyRole() throws Exception {
    LossEstimate loss;
    try (Connection live = reader()) {
      live.setReadOnly(true);
      loss = repo.recover(RecoveryTarget.time(target)).lossEstimate(live);
      assertThat(live.getAutoCommit()).isTrue();
    }
    assertThat(loss.plan().backupId()).isEqualTo(base.id());
    assertThat(loss.database()).isEqualTo("shop");
    Map<String, TableLoss> t = loss.tables().stream().collect(Collectors.toMap(TableLoss::qualifiedName, Function.identity()));
    assertThat(t.get("public.orders")).isEqualTo(new TableLoss("public", "orders", Comparison.PRIMARY_KEY, 127, 110, 20, 7, 3,
        "compared over the columns both have; added after the target: flagged"));
    assertThat(t.get("public.events")).isEqualTo(new TableLoss("public", "events", Comparison.ROW_COUNTS, 6, 5, 2, 0, 1, null));
    assertThat(t.get("public.Odd Name")).isEqualTo(new TableLoss("public", "Odd Name", Comparison.PRIMARY_KEY, 2, 2, 1, 0, 1, null));
    assertThat(t.get("public.coupons")).extracting(TableLoss::comparison, TableLoss::inserted).containsExactly(Comparison.ONLY_LIVE, 4L);
    assertThat(t.get("public.legacy")).extracting(TableLoss::comparison, TableLoss::deleted)
        .containsExactly(Comparison.ONLY_RECOVERED, 5L);
    assertThat(t.get("lockplane.history")).extracting(TableLoss::inserted).isEqualTo(1L);
    assertThat(loss.rowsInserted()).isEqualTo(20 + 2 + 1 + 4 + 1);
    assertThat(loss.rowsUpdated()).isEqualTo(7);
    assertThat(loss.rowsDeleted()).isEqualTo(3 + 1 + 1 + 5);
    List<String> text = loss.describe();
    assertThat(text.get(0)).startsWith("restoring shop to ").contains("undoes 45 row changes in 6 tables");
    assertThat(text).contains("restoring to " + text.get(0).substring(18, 38) + " loses 27 rows in public.orders written"
        + " after it (20 inserted, 7 updated) and brings back 3 deleted after it; compared over the columns both have;"
        + " added after the target: flagged");
    assertThat(text).anyMatch(l -> l.contains("brings back public.legacy, dropped after it (5 rows)"));
    assertThat(text).anyMatch(l -> l.contains("loses public.coupons, created after it (4 rows)"));

    assertThat(loss.transactionIdsAfter()).as("transaction ids after the target").isBetween(10L, 40L);
  }

  @Test
  void theTimelineShowsTheBackupTheArchivedWalAndTheMigrationsOfTheLiveDatabase() throws Exception {
    BackupTimeline timeline;
    try (Connection live = reader()) {
      timeline = repo.timeline(live);
    }
    assertThat(timeline.events()).extracting(BackupTimeline.Event::kind).containsExactly(Kind.BACKUP, Kind.MIGRATION);
    assertThat(timeline.events().get(0).label()).isEqualTo(base.id());
    assertThat(timeline.events().get(0).lsn()).isEqualTo(repo.recover(RecoveryTarget.latest()).plan().backupStopWal());
    assertThat(timeline.events().get(1).detail()).startsWith("succeeded, 12 ms, schema aaaaaaaaaaaa → bbbbbbbbbbbb in shop");
    assertThat(timeline.wal()).singleElement().satisfies(w -> {
      assertThat(w.timeline()).isEqualTo(1);
      assertThat(w.gaps()).isEmpty();
      assertThat(w.lastSegment()).isEqualTo(repo.walArchive().get(0).lastSegment());
    });
    assertThat(timeline.describe().get(0)).matches("backup " + base.id() + " \\d\\d:\\d\\d → migration 1 at \\d\\d:\\d\\d → now");
    assertThat(repo.timeline().events()).extracting(BackupTimeline.Event::kind).containsExactly(Kind.BACKUP);
  }

  private static long orders(RecoveredInstanceClone c) throws Exception {
    try (Connection conn = c.server().connect("shop"); Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void eachTargetIsAnInstanceCloneOfTheBaseBackupRestoredOnce() throws Exception {
    Posix.chmod(tmp, "rwx--x--x");
    try (LoopFilesystem xfs = LoopFilesystem.xfs(400)) {
      CowStorage storage = CowStorages.reflink(xfs.path().resolve("store"));
      String baseVolume;
      try (RecoveredInstanceClone atTarget = repo.recover(RecoveryTarget.time(target)).intoInstanceClone(storage, "at-target");
          RecoveredInstanceClone latest = repo.recover(RecoveryTarget.latest()).intoInstanceClone(storage, "latest")) {
        baseVolume = atTarget.baseVolume();
        assertThat(latest.baseVolume()).isEqualTo(baseVolume);
        assertThat(orders(atTarget)).isEqualTo(110);
        assertThat(orders(latest)).isEqualTo(127);
        assertThat(atTarget.result().plan().backupId()).isEqualTo(base.id());
        assertThat(atTarget.result().lastTransaction()).isBeforeOrEqualTo(target);
        // one restored base, never started, and a clone of its snapshot per target
        assertThat(storage.volumes()).containsExactlyInAnyOrder(baseVolume, "pitr-at-target", "pitr-latest");
        assertThat(storage.snapshots(baseVolume)).containsExactly("restored");
        assertThat(storage.path(baseVolume).resolve("data/postmaster.pid")).doesNotExist();
        assertThat(storage.path(baseVolume).resolve("data/backup_label")).exists();
        assertThatThrownBy(() -> repo.recover(RecoveryTarget.latest()).intoInstanceClone(storage, "latest"))
            .isInstanceOf(BackupException.class).hasMessageContaining("pitr-latest already exists");
      }
      assertThat(storage.volumes()).containsExactly(baseVolume);
      storage.destroy(baseVolume);
    }
  }
}
