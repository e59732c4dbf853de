package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.instances.InstanceCloneManager;
import dev.lockplane.instances.InstanceClones;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.ProductionServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Instance clones whose golden is a backup: a physical backup taken over the replication protocol
 * becomes the golden data directory, a logical one is restored into the golden database; either
 * way a clone holds the data of the backup, and its snapshot is dated by the backup's stop time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupGoldenTest {
  private ProductionServer prod;
  private Path work;
  private BackupRepository repo;
  private Backup physical;
  private Backup logical;
  private Map<String, String> expected;

  @BeforeAll
  void start() throws Exception {
    prod = ProductionServer.start();
    TestData.createPostgres(prod.server(), "shop", 200);
    try (Connection c = prod.server().connect("shop")) {
      expected = TestData.fingerprints(c);
    }
    work = Files.createTempDirectory("lockplane-backup-golden");
    dev.lockplane.internal.os.Posix.chmod(work, "rwxr-xr-x");
    repo = BackupRepository.at(work.resolve("repo")).encryptWith(Keyset.generate()).open();
    physical = repo.backup().physical(prod.url("postgres"), ProductionServer.REPLICATOR, ProductionServer.PASSWORD).run();
    logical = repo.backup().logical(prod.server(), "shop").run();
  }

  @AfterAll
  void stop() {
    if (prod != null) {
      prod.close();
    }
    dev.lockplane.internal.fs.FileTrees.deleteQuietly(work);
  }

  private static InstanceClones.Builder manager(Path store, int from, Golden golden) {
    return InstanceClones.on(CowStorages.copy(store)).golden(golden).database("shop").portRange(from, from + 9)
        .setting("shared_buffers", "16MB").setting("max_connections", "20");
  }

  @Test
  void aPhysicalBackupBecomesTheGoldenDataDirectory() throws Exception {
    Golden golden = Golden.fromBackup(repo, physical.id());
    assertThat(golden.describe()).contains("physical backup " + physical.id()).contains(work.resolve("repo").toString())
        .doesNotContain(ProductionServer.PASSWORD);
    try (InstanceCloneManager clones = manager(work.resolve("store-physical"), 47330, golden).version(15).start()) {
      Snapshot g = clones.golden();
      assertThat(g.dataStateAt()).isEqualTo(physical.stopTime());
      InstanceClone clone = clones.create("from-physical");
      try (Connection c = clone.dataSource().getConnection()) {
        assertThat(TestData.fingerprints(c)).isEqualTo(expected);
      }
    }
  }

  @Test
  void aLogicalBackupIsRestoredIntoTheGoldenDatabase() throws Exception {
    // the golden runs PostgreSQL 18; the machine's pg_restore 15 (the dump's version) restores into it
    try (InstanceCloneManager clones = manager(work.resolve("store-logical"), 47340, Golden.latestBackup(repo)).start()) {
      assertThat(clones.golden().description()).contains("logical backup " + logical.id());
      assertThat(clones.golden().dataStateAt()).isEqualTo(logical.stopTime());
      InstanceClone clone = clones.create("from-logical");
      try (Connection c = clone.dataSource().getConnection()) {
        assertThat(TestData.fingerprints(c)).isEqualTo(expected);
      }
    }
  }

  @Test
  void goldensAreChosenByIdOrTimeAndAMissingOneIsNamed() {
    assertThat(repo.goldenBefore(physical.stopTime()).describe()).contains(physical.id());
    // the spelling on Golden names the same goldens as the repository's own methods
    assertThat(Golden.fromBackupBefore(repo, physical.stopTime()).contentHash())
        .isEqualTo(repo.golden(physical.id()).contentHash());
    assertThat(Golden.fromBackup(repo, logical.id()).contentHash()).isEqualTo(repo.golden(logical.id()).contentHash());
    assertThat(Golden.latestBackup(repo).contentHash()).isEqualTo(repo.latestGolden().contentHash());
    assertThatThrownBy(() -> Golden.fromBackupBefore(repo, Instant.parse("2020-01-01T00:00:00Z")))
        .isInstanceOf(BackupException.class).hasMessageContaining("2020-01-01T00:00:00Z");
    assertThat(repo.golden(physical.id()).contentHash()).isEqualTo(repo.goldenBefore(physical.stopTime()).contentHash())
        .isNotEqualTo(repo.golden(logical.id()).contentHash());
    assertThatThrownBy(() -> repo.golden("20200101T000000Z-000000"))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("20200101T000000Z-000000").hasMessageContaining(work.resolve("repo").toString())
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> repo.goldenBefore(Instant.parse("2020-01-01T00:00:00Z")))
        .isInstanceOf(BackupException.class).hasMessageContaining("2020-01-01T00:00:00Z")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
