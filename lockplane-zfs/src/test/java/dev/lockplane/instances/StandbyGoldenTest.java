package dev.lockplane.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.ProductionServer;
import dev.lockplane.testing.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A standby golden: a streaming replica of a "production" server, snapshotted on a schedule and on
 * demand. Rows committed at the source reach the clones of the next snapshot and no clone made
 * before it; a removed replication slot and a failed base backup are reported, and the latter
 * leaves nothing on the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandbyGoldenTest {
  private static final String COUNT = "SELECT count(*) FROM events";
  private ProductionServer prod;
  private Path work;

  @BeforeAll
  void start() throws Exception {
    prod = ProductionServer.start();
    prod.exec("postgres", "CREATE DATABASE shop");
    prod.exec("shop", "CREATE TABLE events (id serial PRIMARY KEY, note text)",
        "INSERT INTO events (note) SELECT 'event ' || g FROM generate_series(1, 10) g");
    work = Files.createTempDirectory("lockplane-standby-golden");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
  }

  @AfterAll
  void stop() {
    if (prod != null) {
      prod.close();
    }
    dev.lockplane.internal.fs.FileTrees.deleteQuietly(work);
  }

  private Golden source() {
    return Golden.fromServer(prod.url("shop"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).physical();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void rowsAtTheSourceReachTheNextSnapshotAndNoEarlierClone() throws Exception {
    CowStorage storage = CowStorages.copy(work.resolve("standby"));
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47350, 47369, source())
        .database("shop").standby("lp_golden").snapshotEvery(Duration.ofSeconds(2)).keepSnapshots(1).start()) {
      InstanceClone before = clones.create("before");
      assertThat(Fixtures.count(before, COUNT)).isEqualTo(10);
      StandbyStatus status = clones.standby().orElseThrow();
      assertThat(status.problem()).isNull();
      assertThat(status.source()).isEqualTo("127.0.0.1:" + prod.server().port());

      prod.exec("shop", "INSERT INTO events (note) SELECT 'late ' || g FROM generate_series(1, 5) g");
      Instant committed = Instant.now();
      // a scheduled snapshot whose data is from well after the commit holds it
      try {
        await("a scheduled snapshot after the insert",
            () -> clones.golden().dataStateAt().isAfter(committed.plusMillis(500)));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; golden " + clones.golden() + "; standby " + clones.standby().orElse(null), e);
      }
      InstanceClone after = clones.create("after");
      assertThat(Fixtures.count(after, COUNT)).isEqualTo(15);
      assertThat(Fixtures.count(before, COUNT)).isEqualTo(10);
      Fixtures.exec(after, "INSERT INTO events (note) VALUES ('a clone is writable')");

      // each scheduled snapshot on a copy store restarts the standby, which then reconnects
      await("the standby to stream", () -> clones.standby().orElseThrow().streaming());
      status = clones.standby().orElseThrow();
      assertThat(status.replayedLsn()).isNotNull();
      assertThat(status.lag()).isLessThan(Duration.ofSeconds(30));

      // a manual snapshot of the running standby
      prod.exec("shop", "INSERT INTO events (note) VALUES ('manual')");
      Instant manualCommit = Instant.now();
      await("the standby to replay the insert", () -> clones.standby().orElseThrow().dataStateAt().isAfter(manualCommit.plusMillis(300)));
      Snapshot manual = clones.snapshotGolden();
      assertThat(manual.dataStateAt()).isAfter(manualCommit);
      assertThat(Fixtures.count(clones.create("manual"), COUNT)).isEqualTo(16);
      // retention: the golden, one more, and the snapshots clones were made from
      assertThat(clones.snapshots().size()).isLessThanOrEqualTo(5);
      assertThat(Fixtures.count(before, COUNT)).isEqualTo(10);

      // the slot is removed under the standby: reported, and no stale snapshot is taken
      dropSlot("lp_golden");
      await("the standby to report the lost slot", () -> !clones.standby().orElseThrow().healthy());
      assertThat(clones.standby().orElseThrow().problem()).contains("replication slot 'lp_golden' was removed");
      assertThatThrownBy(clones::snapshotGolden).isInstanceOf(LockplaneException.class)
          .hasMessageContaining("replication slot 'lp_golden' was removed")
          .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.DATABASE_ERROR));
      assertThat(Fixtures.count(after, COUNT)).isEqualTo(16);
    }
    assertThat(storage.volumes()).allMatch(v -> v.startsWith("golden-") || v.startsWith("standby-"));
  }

  @Test
  void aReopenedManagerResumesTheStandbyAndSnapshotsItAfresh() throws Exception {
    CowStorage storage = CowStorages.copy(work.resolve("reopen"));
    // with a slot, the source keeps the WAL the closed standby has not received (without one, a
    // checkpoint at the source may recycle it first: the documented risk of a slotless standby)
    try {
      reopen(storage);
    } finally {
      prod.exec("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
          + " WHERE slot_name = 'lp_reopen' AND NOT active");
    }
  }

  private void reopen(CowStorage storage) throws Exception {
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47380, 47389, source()).database("shop")
        .standby("lp_reopen").start()) {
      assertThat(clones.standby()).isPresent();
      assertThat(clones.golden().description()).contains("standby of 127.0.0.1:" + prod.server().port());
    }
    String standbyVolume = storage.volumes().stream().filter(v -> v.startsWith("standby-")).findFirst().orElseThrow();
    prod.exec("shop", "INSERT INTO events (note) VALUES ('while closed')");
    long rows;
    try (var c = prod.server().connect("shop"); var s = c.createStatement(); var rs = s.executeQuery(COUNT)) {
      rs.next();
      rows = rs.getLong(1);
    }
    Instant committed = Instant.now();
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47380, 47389, source()).database("shop")
        .standby("lp_reopen").start()) {
      // the standby catches up after its restart; a snapshot on demand then holds the row
      try {
        await("the standby to catch up", () -> clones.standby().orElseThrow().dataStateAt().isAfter(committed.plusMillis(300)));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last status " + clones.standby().orElse(null), e);
      }
      clones.snapshotGolden();
      assertThat(Fixtures.count(clones.create("reopened"), COUNT)).isEqualTo(rows);
      assertThat(storage.volumes().stream().filter(v -> v.startsWith("standby-")).toList()).containsExactly(standbyVolume);
    }
  }

  /** A row inserted at the source is replayed by the standby and reaches a clone of the next snapshot. */
  private void insertReachesTheNextSnapshot(InstanceCloneManager clones, String note, String clone) throws Exception {
    prod.exec("shop", "INSERT INTO events (note) VALUES ('" + note + "')");
    Instant committed = Instant.now();
    await("the standby to replay the insert", () -> clones.standby().orElseThrow().dataStateAt().isAfter(committed.plusMillis(300)));
    clones.snapshotGolden();
    long rows;
    try (var c = prod.server().connect("shop"); var s = c.createStatement(); var rs = s.executeQuery(COUNT)) {
      rs.next();
      rows = rs.getLong(1);
    }
    assertThat(Fixtures.count(clones.create(clone), COUNT)).isEqualTo(rows);
  }

  @Test
  void aStandbyOfASourceOverVerifiedTlsStreamsWithTheSameCheck() throws Exception {
    TlsFiles files = TlsFiles.make(work.resolve("tls"));
    files.install(prod.server());
    // the certificate names localhost; the standby's own connection checks it against a copy of the file
    String url = "postgres://localhost:" + prod.server().port() + "/shop?sslmode=verify-full";
    Golden verified = Golden.fromServer(url + "&sslrootcert=" + files.ca(), ProductionServer.REPLICATOR,
        ProductionServer.PASSWORD).physical();
    CowStorage storage = CowStorages.copy(work.resolve("tls-standby"));
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47350, 47369, verified).database("shop")
        .standby("lp_tls").start()) {
      try {
        await("the standby to stream", () -> clones.standby().orElseThrow().streaming());
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; standby " + clones.standby().orElse(null), e);
      }
      try (var c = prod.server().connect("postgres"); var s = c.createStatement();
          var rs = s.executeQuery("SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_replication r USING (pid)"
              + " WHERE r.application_name = 'lockplane_standby'")) {
        assertThat(rs.next()).as("the standby's walsender").isTrue();
        assertThat(rs.getBoolean(1)).as("encrypted").isTrue();
      }
      insertReachesTheNextSnapshot(clones, "over tls", "tls");
    } finally {
      prod.exec("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
          + " WHERE slot_name = 'lp_tls' AND NOT active");
    }
    // without a root certificate file the standby could not check the source: refused before its base backup
    CowStorage refused = CowStorages.copy(work.resolve("tls-refused"));
    assertThatThrownBy(() -> Fixtures.manager(refused, 47350, 47369, Golden.fromServer(url, ProductionServer.REPLICATOR,
        ProductionServer.PASSWORD).physical()).database("shop").version(ProductionServer.VERSION).standby("lp_tls_refused").start())
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("sslrootcert=FILE")
        .hasMessageNotContaining(ProductionServer.PASSWORD);
    assertThat(refused.volumes()).noneMatch(v -> v.startsWith("standby-"));
  }

  @Test
  void aSourceThatAsksForAClientCertificateGetsItFromTheBaseBackupAndTheStandby() throws Exception {
    TlsFiles files = TlsFiles.make(work.resolve("tls-client"));
    files.install(prod.server());
    String role = "prod_repl_cert";
    prod.exec("postgres", "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD '" + ProductionServer.PASSWORD + "'");
    // a password and a certificate naming the role, for every connection of this role
    Path hba = prod.server().dataDirectory().resolve("pg_hba.conf");
    java.nio.file.attribute.UserPrincipal owner = Files.getOwner(hba);
    Files.writeString(hba, "hostssl all " + role + " 127.0.0.1/32 scram-sha-256 clientcert=verify-full\n"
        + "hostssl replication " + role + " 127.0.0.1/32 scram-sha-256 clientcert=verify-full\n"
        + "host all " + role + " all reject\nhost replication " + role + " all reject\n" + Files.readString(hba));
    Files.getFileAttributeView(hba, java.nio.file.attribute.PosixFileAttributeView.class).setOwner(owner);
    prod.exec("postgres", "SELECT pg_reload_conf()");
    // an encrypted key: the standby's own libpq is given an unencrypted copy readable by its account only
    TlsFiles.Client client = files.client(role, true);
    String passphrase = "standby-key-7b20";
    TlsFiles.openssl(client.key().getParent(), "pkcs8", "-topk8", "-in", client.key().toString(), "-v2",
        "aes-256-cbc", "-passout", "pass:" + passphrase, "-out", "standby-enc.key");
    String url = "postgres://localhost:" + prod.server().port() + "/shop?sslmode=verify-full&sslrootcert=" + files.ca()
        + "&sslcert=" + client.cert() + "&sslkey=" + client.key().resolveSibling("standby-enc.key")
        + "&sslpassword=" + passphrase;
    CowStorage storage = CowStorages.copy(work.resolve("tls-client-standby"));
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47350, 47369,
        Golden.fromServer(url, role, ProductionServer.PASSWORD).physical()).database("shop").standby("lp_cert").start()) {
      await("the standby to stream", () -> clones.standby().orElseThrow().streaming());
      try (var c = prod.server().connect("postgres"); var s = c.createStatement();
          var rs = s.executeQuery("SELECT s.client_dn FROM pg_stat_ssl s JOIN pg_stat_replication r USING (pid)"
              + " WHERE r.application_name = 'lockplane_standby'")) {
        assertThat(rs.next()).as("the standby's walsender").isTrue();
        assertThat(rs.getString(1)).as("the certificate it logged in with").isEqualTo("/CN=" + role);
      }
      insertReachesTheNextSnapshot(clones, "with a client certificate", "cert");
      assertThat(clones.standby().orElseThrow().toString()).doesNotContain(passphrase);
    } finally {
      prod.exec("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
          + " WHERE slot_name = 'lp_cert' AND NOT active");
    }
  }

  @Test
  void aFailedBaseBackupLeavesNothingBehind() {
    prod.exec("postgres", "SELECT pg_create_physical_replication_slot('taken')");
    try {
      CowStorage storage = CowStorages.copy(work.resolve("failed"));
      assertThatThrownBy(() -> Fixtures.manager(storage, 47370, 47379, source()).database("shop").standby("taken").start())
          .isInstanceOf(LockplaneException.class)
          .hasMessageContaining("base backup of 127.0.0.1:" + prod.server().port() + " failed")
          .hasMessageContaining("taken")
          .hasMessageNotContaining(ProductionServer.PASSWORD);
      assertThat(storage.volumes()).isEmpty();
      assertThatThrownBy(() -> Fixtures.manager(storage, 47370, 47379, Fixtures.GOLDEN).standby().start())
          .isInstanceOf(LockplaneException.class).hasMessageContaining("standby() needs a physical server golden");
    } finally {
      prod.exec("postgres", "SELECT pg_drop_replication_slot('taken')");
    }
  }

  /** Ends the standby's walsender and drops its slot before the standby reconnects. */
  private void dropSlot(String slot) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        prod.exec("postgres",
            "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active",
            "SELECT pg_drop_replication_slot('" + slot + "')");
        return;
      } catch (IllegalStateException stillActive) {
        if (System.nanoTime() > deadline) {
          throw stillActive;
        }
        Thread.sleep(20);
      }
    }
  }
}
