package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.testing.ProductionServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous WAL archiving of a server reached only over TCP by a REPLICATION role, and recovery to
 * recorded moments: a writer commits one row at a time and records when; recovering to a moment
 * between two commits yields exactly the rows committed before it.
 */
class PointInTimeRecoveryTest {
  static ProductionServer prod;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    prod = ProductionServer.start();
    prod.exec("postgres", "CREATE DATABASE shop");
    prod.exec("shop", "CREATE TABLE ticks (id int PRIMARY KEY, note text)");
  }

  @AfterAll
  static void stop() {
    if (prod != null) {
      prod.close();
    }
  }

  private WalArchiver archiver(BackupRepository repo, String slot) {
    return repo.walArchiver().source(prod.url("postgres"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD)
        .slot(slot).createSlot().start();
  }

  /** One commit: the row and the moments just before and just after it. */
  record Commit(int id, Instant before, Instant after) {}

  private static List<Commit> write(int from, int count) throws Exception {
    List<Commit> out = new ArrayList<>();
    try (Connection c = prod.server().connect("shop"); Statement s = c.createStatement()) {
      for (int i = from; i < from + count; i++) {
        Instant before = Instant.now();
        s.execute("INSERT INTO ticks VALUES (" + i + ", repeat('x', 200))");
        out.add(new Commit(i, before, Instant.now()));
        Thread.sleep(40);
      }
    }
    return out;
  }

  private static String switchWal() {
    try (Connection c = prod.server().connect("postgres"); Statement s = c.createStatement()) {
      // a switch in an idle segment is a no-op: write something first
      s.execute("SELECT txid_current()");
      try (ResultSet rs = s.executeQuery("SELECT pg_switch_wal()::text")) {
        rs.next();
        return rs.getString(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Integer> ids(Connection c) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM ticks ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  private static List<Integer> range(int from, int toInclusive) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i <= toInclusive; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void recoveringToRecordedMomentsYieldsExactlyTheRowsCommittedBefore() throws Exception {
    prod.exec("shop", "TRUNCATE ticks");
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    try (WalArchiver archiver = archiver(repo, "lp_pitr")) {
      Backup base = repo.backup().physical(prod.url("postgres"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).run();
      List<Commit> commits = write(1, 12);
      switchWal();
      commits.addAll(write(13, 12));
      long t1 = System.nanoTime();
      WalArchiveStatus status = archiver.awaitArchived(switchWal(), Duration.ofSeconds(60));
      System.out.println("archived after " + (System.nanoTime() - t1) / 1_000_000 + " ms: " + status);
      assertThat(status.state()).isEqualTo(WalArchiveStatus.State.STREAMING);
      assertThat(status.segmentsArchived()).isGreaterThanOrEqualTo(2);
      assertThat(status.gaps()).isEmpty();
      assertThat(status.systemIdentifier()).isNotNull();

      for (int k : new int[] {4, 17}) {
        Commit c = commits.get(k - 1);
        Instant target = c.after().plusMillis(Duration.between(c.after(), commits.get(k).before()).toMillis() / 2);
        RecoveryRequest request = repo.recover(RecoveryTarget.time(target));
        RecoveryPlan plan = request.plan();
        assertThat(plan.backupId()).isEqualTo(base.id());
        assertThat(plan.reason()).contains("newest physical backup").contains(target.toString());
        long t0 = System.nanoTime();
        try (RecoveredServer at = request.asServer(); Connection conn = at.server().connect("shop")) {
          System.out.println("recovery to " + target + " took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
          assertThat(ids(conn)).as("rows recovered to %s", target).isEqualTo(range(1, k));
          assertThat(at.result().lastTransaction()).isBeforeOrEqualTo(target);
          assertThat(at.result().timeline()).isEqualTo(2);
          assertThat(at.result().serverLog()).anyMatch(l -> l.contains("recovery stopping before commit"));
        }
      }

      // the server runs as another account when the tests run as root: it must reach the directory
      dev.lockplane.internal.os.Posix.chmod(tmp, "rwx--x--x");
      long t0 = System.nanoTime();
      RecoveryResult latest = repo.recover(RecoveryTarget.latest()).toDirectory(tmp.resolve("latest"));
      System.out.println("latest recovery took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      assertThat(latest.plan().stopsBefore()).isNull();
      assertThat(Files.exists(tmp.resolve("latest/PG_VERSION"))).isTrue();
      assertThat(Files.exists(tmp.resolve("latest/recovery.signal"))).isFalse();
      try (Stream<Path> s = Files.list(tmp)) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("latest.wal"));
      }
    }
  }
}
