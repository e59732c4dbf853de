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
    return write("ticks", from, count);
  }

  private static List<Commit> write(String table, int from, int count) throws Exception {
    List<Commit> out = new ArrayList<>();
    try (Connection c = prod.server().connect("shop"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id int PRIMARY KEY, note text)");
      for (int i = from; i < from + count; i++) {
        Instant before = Instant.now();
        s.execute("INSERT INTO " + table + " VALUES (" + i + ", repeat('x', 200))");
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
    return ids(c, "ticks");
  }

  private static List<Integer> ids(Connection c, String table) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
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
  void recoveryToRecordedMomentsTargetsOutsideTheArchivePruneAndADamagedSegment() throws Exception {
    prod.exec("shop", "TRUNCATE ticks");
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    try (WalArchiver archiver = archiver(repo, "lp_pitr")) {
      Backup base = repo.backup().physical(prod.url("postgres"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).run();
      List<Commit> commits = write(1, 12);
      String point;
      try (Connection c = prod.server().connect("postgres"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_create_restore_point('after-twelve')::text")) {
        rs.next();
        point = rs.getString(1);
      }
      switchWal();
      commits.addAll(write(13, 12));
      WalArchiveStatus status = archiver.awaitArchived(switchWal(), Duration.ofSeconds(60));
      assertThat(status.state()).isEqualTo(WalArchiveStatus.State.STREAMING);
      assertThat(status.segmentsArchived()).isGreaterThanOrEqualTo(2);
      assertThat(status.gaps()).isEmpty();
      assertThat(status.systemIdentifier()).isNotNull();

      Commit c4 = commits.get(3);
      Instant at4 = c4.after().plusMillis(Duration.between(c4.after(), commits.get(4).before()).toMillis() / 2);
      RecoveryRequest request = repo.recover(RecoveryTarget.time(at4));
      RecoveryPlan plan = request.plan();
      assertThat(plan.backupId()).isEqualTo(base.id());
      assertThat(plan.reason()).contains("newest physical backup").contains(at4.toString());
      assertThat(plan.stopsBefore()).isNull();
      try (RecoveredServer at = request.asServer(); Connection conn = at.server().connect("shop")) {
        assertThat(ids(conn)).as("rows recovered to %s", at4).isEqualTo(range(1, 4));
        assertThat(at.result().lastTransaction()).isBeforeOrEqualTo(at4);
        assertThat(at.result().timeline()).isEqualTo(2);
        assertThat(at.result().serverLog()).anyMatch(l -> l.contains("recovery stopping before commit"));
      }

      Commit c17 = commits.get(16);
      Instant at17 = c17.after().plusMillis(Duration.between(c17.after(), commits.get(17).before()).toMillis() / 2);
      try (RestoredClones clones = repo.recover(RecoveryTarget.time(at17)).intoClones("shop")) {
        dev.lockplane.clone.Clone clone = clones.clones().create("incident");
        try (Connection conn = clone.dataSource().getConnection()) {
          assertThat(ids(conn)).as("rows recovered to %s", at17).isEqualTo(range(1, 17));
        }
      }

      try (RecoveredServer at = repo.recover(RecoveryTarget.restorePoint("after-twelve")).asServer();
          Connection conn = at.server().connect("shop")) {
        assertThat(ids(conn)).isEqualTo(range(1, 12));
        // PostgreSQL 15's WAL, indexed as it was archived
        assertThat(at.result().plan().reason()).contains("newest physical backup", "'after-twelve'", point);
      }
      assertThat(repo.walArchive().get(0).restorePoints()).extracting(ArchivedRestorePoint::name, ArchivedRestorePoint::lsn)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("after-twelve", point));

      targetsOutsideTheArchiveAreRefusedNamingWhatItHolds(repo, base);

      Backup newer = repo.backup().physical(prod.url("postgres"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).run();
      commits.addAll(write(25, 2));
      archiver.awaitArchived(switchWal(), Duration.ofSeconds(60));
      pruneKeepsTheWalTheKeptBackupsNeedAndNoMore(repo, base, newer);
      aDamagedSegmentIsNamedAndRecoveryStopsBeforeIt(repo, commits.get(25));
    }
  }

  private void targetsOutsideTheArchiveAreRefusedNamingWhatItHolds(BackupRepository repo, Backup base) {
    WalArchiveSummary summary = repo.walArchive().get(0);
    assertThatThrownBy(() -> repo.recover(RecoveryTarget.time(Instant.parse("2020-01-01T00:00:00Z"))).plan())
        .isInstanceOf(BackupException.class).hasMessageContaining("before the oldest base backup")
        .hasMessageContaining(base.id()).hasMessageContaining(summary.lastSegment())
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    assertThatThrownBy(() -> repo.recover(RecoveryTarget.time(Instant.now().plusSeconds(3600))).plan())
        .isInstanceOf(BackupException.class).hasMessageContaining("after the newest archived WAL")
        .hasMessageContaining(summary.lastSegment()).hasMessageContaining("--latest");
    assertThatThrownBy(() -> repo.recover(RecoveryTarget.lsn("FF/0")).plan())
        .isInstanceOf(BackupException.class).hasMessageContaining("after the newest archived WAL");
    assertThatThrownBy(() -> RecoveryTarget.lsn("yesterday"))
        .isInstanceOf(dev.lockplane.LockplaneException.class).hasMessageContaining("not a WAL position");
  }

  private void pruneKeepsTheWalTheKeptBackupsNeedAndNoMore(BackupRepository repo, Backup older, Backup newer)
      throws Exception {
    String needed = repo.recover(RecoveryTarget.latest()).plan().firstSegment();
    WalArchiveSummary before = repo.walArchive().get(0);
    assertThat(before.firstSegment()).isLessThan(needed);

    PruneResult dry = repo.prune(Retention.policy().keepLast(1)).dryRun();
    assertThat(dry.removed()).containsExactly(older.id());
    assertThat(dry.walRemoved()).isNotEmpty().allSatisfy(k -> assertThat(k.substring(k.indexOf('/') + 1)).isLessThan(needed));
    assertThat(dry.walKept()).singleElement().asString().contains(needed, newer.id());
    assertThat(repo.walArchive().get(0)).isEqualTo(before);

    PruneResult done = repo.prune(Retention.policy().keepLast(1)).run();
    assertThat(done.walRemoved()).isEqualTo(dry.walRemoved());
    WalArchiveSummary after = repo.walArchive().get(0);
    assertThat(after.firstSegment()).isEqualTo(needed);
    assertThat(after.gaps()).isEmpty();
    try (Stream<Path> objects = Files.list(tmp.resolve("repo/wal/" + after.systemIdentifier() + "/data"))) {
      assertThat(objects.count()).isEqualTo(after.segments());
    }
    assertThat(repo.recover(RecoveryTarget.latest()).plan().backupId()).isEqualTo(newer.id());
  }

  private void aDamagedSegmentIsNamedAndRecoveryStopsBeforeIt(BackupRepository repo, Commit last) throws Exception {
    RecoveryPlan plan = repo.recover(RecoveryTarget.time(last.after())).plan();
    String damaged = plan.firstSegment();
    Path object;
    try (Stream<Path> s = Files.list(tmp.resolve("repo/wal/" + plan.systemIdentifier() + "/data"))) {
      object = s.filter(p -> p.getFileName().toString().startsWith(damaged + "-")).findFirst().orElseThrow();
    }
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(object.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    dev.lockplane.internal.os.Posix.chmod(tmp, "rwx--x--x");
    assertThatThrownBy(() -> repo.recover(RecoveryTarget.time(last.after())).toDirectory(tmp.resolve("damaged")))
        .isInstanceOf(BackupException.class).hasMessageContaining("WAL file " + damaged + " is damaged")
        .hasMessageContaining("stops before WAL segment " + damaged)
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CORRUPTED))
        .satisfies(e -> assertThat(((BackupException) e).objectKey()).hasValue(
            "wal/" + plan.systemIdentifier() + "/data/" + object.getFileName()));
    try (Stream<Path> s = Files.list(tmp.resolve("damaged"))) {
      assertThat(s.count()).as("a failed recovery removes what it restored").isZero();
    }
  }

  @Test
  void anArchiverKilledMidSegmentResumesWithoutGapOrDuplicate() throws Exception {
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).unencrypted().open();
    prod.exec("postgres", "SELECT pg_create_physical_replication_slot('lp_killed', true)");
    repo.backup().physical(prod.url("postgres"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).run();
    write("resumed", 1, 5);
    String switched = switchWal();
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), WalArchiverChild.class.getName(),
        repoDir.toString(), prod.url("postgres"), ProductionServer.REPLICATOR, "lp_killed").redirectErrorStream(true);
    pb.environment().put("WAL_CHILD_PASSWORD", ProductionServer.PASSWORD);
    Process child = pb.start();
    String seen = null;
    try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8))) {
      boolean wrote = false;
      String line;
      while ((line = out.readLine()) != null) {
        String[] f = line.split(" ");
        if (f.length != 4 || !f[0].equals("STATUS") || f[2].equals("null")) {
          continue;
        }
        long archived = lsn(f[2]);
        if (!wrote && archived >= lsn(switched)) {
          write("resumed", 6, 5); // into the next segment, which stays incomplete
          wrote = true;
        } else if (wrote && !f[3].equals("null") && lsn(f[3]) > archived) {
          seen = line;
          break;
        }
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no close, no flush, no goodbye to the server
      child.waitFor();
    }
    assertThat(seen).as("the child received part of a segment before it was killed").isNotNull();
    write("resumed", 11, 5);
    WalArchiver closed;
    try (WalArchiver second = archiver(repo, "lp_killed")) {
      closed = second;
      WalArchiveStatus s = second.awaitArchived(switchWal(), Duration.ofSeconds(60));
      assertThat(s.gaps()).isEmpty();
      assertThat(s.segmentsArchived()).isGreaterThanOrEqualTo(1);
    }
    assertThat(closed.status().state()).isEqualTo(WalArchiveStatus.State.STOPPED);
    closed.close(); // twice is safe
    WalArchiveSummary summary = repo.walArchive().get(0);
    assertThat(summary.gaps()).isEmpty();
    try (Stream<Path> objects = Files.list(repoDir.resolve("wal/" + summary.systemIdentifier() + "/data"))) {
      // one object per archived segment: none stored twice
      assertThat(objects.count()).isEqualTo(summary.segments());
    }
    try (RecoveredServer latest = repo.recover(RecoveryTarget.latest()).asServer();
        Connection c = latest.server().connect("shop")) {
      assertThat(ids(c, "resumed")).isEqualTo(range(1, 15));
    }
  }

  private static long lsn(String text) {
    String[] p = text.split("/");
    return (Long.parseLong(p[0], 16) << 32) | Long.parseLong(p[1], 16);
  }

  @Test
  void aSlotDroppedUnderTheArchiverStopsItWithAClearError() throws Exception {
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    try (WalArchiver archiver = archiver(repo, "lp_dropped")) {
      archiver.awaitArchived(switchWal(), Duration.ofSeconds(60));
      boolean dropped = false;
      for (int i = 0; i < 100 && !dropped; i++) {
        try {
          prod.exec("postgres", "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
              + " WHERE slot_name = 'lp_dropped' AND active_pid IS NOT NULL", "SELECT pg_drop_replication_slot('lp_dropped')");
          dropped = true;
        } catch (IllegalStateException e) {
          Thread.sleep(20); // the walsender is still exiting, or the archiver just reconnected
        }
      }
      assertThat(dropped).isTrue();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (archiver.status().state() != WalArchiveStatus.State.FAILED && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      WalArchiveStatus s = archiver.status();
      assertThat(s.state()).isEqualTo(WalArchiveStatus.State.FAILED);
      assertThat(s.lastError()).contains("'lp_dropped' does not exist", "dropped while the archiver used it",
          "a gap", s.lastSegment()).doesNotContain(ProductionServer.PASSWORD);
      assertThatThrownBy(() -> archiver.awaitArchived("FF/0", Duration.ofSeconds(5)))
          .isInstanceOf(BackupException.class).hasMessageContaining("lp_dropped");
    }
  }

  @Test
  void pushedSegmentsAreArchivedOnceAndOtherFilesRefused() throws Exception {
    String end = switchWal();
    String name;
    try (Connection c = prod.server().connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_walfile_name('" + end + "')")) {
      rs.next();
      name = rs.getString(1);
    }
    Path segment = tmp.resolve(name);
    Files.copy(prod.server().dataDirectory().resolve("pg_wal").resolve(name), segment);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    assertThat(repo.pushWal(segment)).isTrue();
    assertThat(repo.pushWal(segment)).as("archive_command may run twice for one segment").isFalse();
    WalArchiveSummary s = repo.walArchive().get(0);
    assertThat(s.segments()).isEqualTo(1);
    assertThat(s.lastSegment()).isEqualTo(name);
    Path other = Files.writeString(tmp.resolve("notes.txt"), "not WAL");
    assertThatThrownBy(() -> repo.pushWal(other)).isInstanceOf(BackupException.class)
        .hasMessageContaining("neither a WAL segment nor a timeline history file");
    Path renamed = tmp.resolve("00000001000000FF000000FF");
    Files.copy(segment, renamed);
    assertThatThrownBy(() -> repo.pushWal(renamed)).isInstanceOf(BackupException.class)
        .hasMessageContaining("incomplete or renamed");
  }

  /**
   * The archiver writing into a bucket of a real S3-compatible server. Recovery reads through the
   * same storage interface and is tested on a local repository: a physical base backup is ~1,000
   * objects, slow to push through a test server.
   */
  @Test
  void walSegmentsGoStraightIntoABucketAndArchivingResumesFromIt() throws Exception {
    try (S3Server server = new S3Server(tmp.resolve("s3"), "backups");
        BackupStorage bucket = server.storage("s3://backups/prod/")) {
      BackupRepository repo = BackupRepository.on(bucket).encryptWith(Keyset.generate()).open();
      WalArchiveStatus first;
      try (WalArchiver archiver = repo.walArchiver().source(prod.url("postgres"), ProductionServer.REPLICATOR,
          ProductionServer.PASSWORD).slot("lp_s3").createSlot().start()) {
        first = archiver.awaitArchived(switchWal(), Duration.ofSeconds(60));
      }
      prod.exec("postgres", "CREATE TABLE t AS SELECT generate_series(1, 1000) AS id");
      WalArchiveStatus second;
      try (WalArchiver archiver = repo.walArchiver().source(prod.url("postgres"), ProductionServer.REPLICATOR,
          ProductionServer.PASSWORD).slot("lp_s3").start()) {
        second = archiver.awaitArchived(switchWal(), Duration.ofSeconds(60));
      }
      WalArchiveSummary summary = repo.walArchive().get(0);
      assertThat(summary.systemIdentifier()).isEqualTo(first.systemIdentifier());
      assertThat(summary.gaps()).isEmpty();
      assertThat(summary.segments()).isEqualTo(first.segmentsArchived() + second.segmentsArchived());
      assertThat(summary.lastSegment()).isEqualTo(second.lastSegment());
      String prefix = "wal/" + summary.systemIdentifier() + "/";
      assertThat(bucket.list(prefix + "segments/")).contains(prefix + "segments/" + summary.lastSegment() + ".json");
      assertThat(bucket.list(prefix + "data/")).hasSize((int) summary.segments());
      assertThatThrownBy(() -> repo.recover(RecoveryTarget.latest()).plan()).isInstanceOf(BackupException.class)
          .hasMessageContaining("no physical backup")
          .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
  }
}
