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
import dev.lockplane.testing.Requirements;
import dev.lockplane.testing.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Instance clones whose golden is a base backup of a "production" server reached only over TCP, by
 * a role with REPLICATION and a password: the clones hold the source's data, and the usual failures
 * say what is wrong without the password and leave nothing on the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PhysicalServerGoldenTest {
  static final String FINGERPRINT = "SELECT count(*) || ':' || md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o";
  private ProductionServer prod;
  private Path work;

  @BeforeAll
  void start() throws Exception {
    prod = ProductionServer.start();
    prod.exec("postgres", "CREATE DATABASE shop");
    prod.exec("shop",
        "CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(10,2))",
        "INSERT INTO orders SELECT g, 'customer ' || g, g * 1.25 FROM generate_series(1, 500) g",
        "GRANT SELECT ON orders TO " + ProductionServer.READER);
    work = Files.createTempDirectory("lockplane-physical-golden");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
  }

  @AfterAll
  void stop() {
    if (prod != null) {
      prod.close();
    }
    dev.lockplane.internal.fs.FileTrees.deleteQuietly(work);
  }

  private Golden.FromServer source(String user, String password) {
    return Golden.fromServer(prod.url("shop"), user, password).physical();
  }

  static String query(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aLogicalServerSourceIsDumpedIntoTheInstanceGoldenByAReadOnlyRole() throws Exception {
    String expected;
    try (Connection c = prod.server().connect("shop")) {
      expected = query(c, FINGERPRINT);
    }
    CowStorage storage = CowStorages.copy(work.resolve("logical"));
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47400, 47409,
            Golden.fromServer(prod.url("shop"), ProductionServer.READER, ProductionServer.PASSWORD))
        .database("shop").start()) {
      assertThat(clones.golden().description()).startsWith("dump of").doesNotContain(ProductionServer.PASSWORD);
      InstanceClone clone = clones.create("logical-a");
      try (Connection c = clone.dataSource().getConnection()) {
        assertThat(query(c, FINGERPRINT)).isEqualTo(expected);
      }
    }
  }

  @Test
  void clonesHoldTheSourcesDataAsOfTheBaseBackup() throws Exception {
    String expected;
    try (Connection c = prod.server().connect("shop")) {
      expected = query(c, FINGERPRINT);
    }
    Instant before = Instant.now();
    CowStorage storage = CowStorages.copy(work.resolve("round-trip"));
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47300, 47319,
            source(ProductionServer.REPLICATOR, ProductionServer.PASSWORD))
        .database("shop").start()) {
      Snapshot golden = clones.golden();
      assertThat(golden.description()).contains("base backup of postgres://127.0.0.1:" + prod.server().port())
          .doesNotContain(ProductionServer.PASSWORD);
      assertThat(golden.dataStateAt()).isBetween(before, Instant.now());
      InstanceClone clone = clones.create("physical-a");
      try (Connection c = clone.dataSource().getConnection()) {
        assertThat(query(c, FINGERPRINT)).isEqualTo(expected);
        assertThat(query(c, "SHOW server_version_num")).startsWith(String.valueOf(ProductionServer.VERSION));
        // a clone is a primary of its own: writable, and no longer in recovery
        assertThat(query(c, "SELECT pg_is_in_recovery()")).isEqualTo("f");
      }
      Fixtures.exec(clone, "DELETE FROM orders");
      clone.reset();
      try (Connection c = clone.dataSource().getConnection()) {
        assertThat(query(c, FINGERPRINT)).isEqualTo(expected);
      }
      // the first start of the copy trusted 127.0.0.1 to set a superuser password; the golden does not
      String goldenVolume = storage.volumes().stream().filter(v -> v.startsWith("golden-")).findFirst().orElseThrow();
      assertThat(Files.readString(storage.path(goldenVolume).resolve("data/pg_hba.conf")))
          .contains("127.0.0.1/32 md5").doesNotContain("127.0.0.1/32 trust");
      String registry = Files.readString(storage.stateDirectory().resolve("registry.json"));
      assertThat(registry).contains("\"dataStateAt\" : \"" + golden.dataStateAt() + "\"")
          .doesNotContain(ProductionServer.PASSWORD);
    }
    // a later manager that takes the golden as it is runs its clones on the golden's version, not the default
    try (InstanceCloneManager later = InstanceClones.on(storage).goldenFromStore().portRange(47300, 47319)
        .setting("shared_buffers", "16MB").setting("max_connections", "20").start()) {
      InstanceClone clone = later.create("physical-later");
      try (Connection c = clone.dataSource().getConnection()) {
        assertThat(query(c, "SHOW server_version_num")).startsWith(String.valueOf(ProductionServer.VERSION));
      }
    }
  }

  @Test
  void aSourceReachedOverVerifiedTlsGivesTheSameClones() throws Exception {
    TlsFiles files = TlsFiles.make(work.resolve("tls"));
    files.install(prod.server());
    String expected;
    try (Connection c = prod.server().connect("shop")) {
      expected = query(c, FINGERPRINT);
    }
    // the certificate names localhost: verify-full passes for that name and not for 127.0.0.1
    String url = "postgres://localhost:" + prod.server().port() + "/shop?sslmode=verify-full&sslrootcert=" + files.ca();
    CowStorage storage = CowStorages.copy(work.resolve("tls-store"));
    try (InstanceCloneManager clones = Fixtures.manager(storage, 47300, 47319,
            Golden.fromServer(url, ProductionServer.REPLICATOR, ProductionServer.PASSWORD).physical())
        .database("shop").start()) {
      try (Connection c = clones.create("tls-a").dataSource().getConnection()) {
        assertThat(query(c, FINGERPRINT)).isEqualTo(expected);
      }
    }
    assertThatThrownBy(() -> Fixtures.manager(CowStorages.copy(work.resolve("tls-misnamed")), 47300, 47319,
            Golden.fromServer(url.replace("localhost", "127.0.0.1"), ProductionServer.REPLICATOR,
                ProductionServer.PASSWORD).physical())
        .database("shop").start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("127.0.0.1:" + prod.server().port())
        .hasMessageNotContaining(ProductionServer.PASSWORD);
  }

  @Test
  void failuresSayWhatIsWrongAndLeaveNothingBehind() {
    CowStorage storage = CowStorages.copy(work.resolve("failures"));
    assertThatThrownBy(() -> Fixtures.manager(storage, 47320, 47329,
            source(ProductionServer.REPLICATOR, "wrong-" + ProductionServer.PASSWORD)).version(15).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("password of role '" + ProductionServer.REPLICATOR + "' was refused")
        .hasMessageContaining("127.0.0.1:" + prod.server().port())
        .hasMessageNotContaining(ProductionServer.PASSWORD);
    assertThatThrownBy(() -> Fixtures.manager(storage, 47320, 47329,
            source(ProductionServer.READER, ProductionServer.PASSWORD)).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("lacks the REPLICATION attribute")
        .hasMessageNotContaining(ProductionServer.PASSWORD);
    int closed = freePort();
    assertThatThrownBy(() -> Fixtures.manager(storage, 47320, 47329,
            Golden.fromServer("postgres://127.0.0.1:" + closed + "/shop", ProductionServer.REPLICATOR,
                ProductionServer.PASSWORD).physical()).version(15).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("cannot be reached")
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.DATABASE_ERROR));
    assertThat(storage.volumes()).isEmpty();
  }

  @Test
  void aFullStoreFailsTheBaseBackupAndLeavesNothingBehind() throws Exception {
    String missing = LoopFilesystem.missing("ext4");
    Requirements.require(missing == null, String.valueOf(missing));
    // a 32 MB filesystem cannot hold the source's data directory and its WAL
    try (LoopFilesystem small = LoopFilesystem.create("ext4", 32, work)) {
      dev.lockplane.internal.os.Posix.chmod(small.mount, "rwxr-xr-x");
      CowStorage storage = CowStorages.copy(small.mount.resolve("store"));
      assertThatThrownBy(() -> Fixtures.manager(storage, 47320, 47329,
              source(ProductionServer.REPLICATOR, ProductionServer.PASSWORD)).start())
          .isInstanceOf(LockplaneException.class)
          .hasMessageContaining("base backup of 127.0.0.1:" + prod.server().port() + " failed")
          .hasMessageContaining("No space left on device")
          .hasMessageNotContaining(ProductionServer.PASSWORD)
          .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.DISK_FULL));
      assertThat(storage.volumes()).isEmpty();
    }
  }

  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
