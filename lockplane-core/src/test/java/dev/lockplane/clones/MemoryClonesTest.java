package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.internal.clone.DatabaseCloneManager;
import dev.lockplane.internal.fs.Reflinks;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.LoopFilesystem;
import dev.lockplane.testing.Requirements;
import dev.lockplane.testing.SharedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Database-level clones in a tablespace in memory (a tmpfs), on real servers. */
class MemoryClonesTest {
  private static final Golden SHOP = Golden.fromScripts(List.of(Script.of("shop.sql", """
      CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);
      INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
      CREATE SEQUENCE tickets;
      """)));

  private static String prefix() {
    return "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  private static boolean tmpfs(Path dir) {
    try {
      return Files.isDirectory(dir) && "tmpfs".equals(Files.getFileStore(dir).type());
    } catch (IOException e) {
      return false;
    }
  }

  /** Requires /dev/shm with room for 16 copies of the small goldens here (a container's 64 MB is not). */
  private static void requireMemory() throws IOException {
    Path shm = Path.of("/dev/shm");
    Requirements.require(tmpfs(shm) && Files.getFileStore(shm).getUsableSpace() >= 256L << 20,
        "needs /dev/shm on a tmpfs with 256 MB free, as Linux provides (in a container: --shm-size=256m)");
  }

  /** Where a clone's database lives: the directory of its tablespace, or {@code pg_default}. */
  private static String location(LocalPostgres pg, Clone clone) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT t.spcname, pg_tablespace_location(t.oid) FROM pg_database d"
            + " JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = '" + dev.lockplane.internal.sql.JdbcUrls.databaseOf(clone.jdbcUrl()) + "'")) {
      assertThat(rs.next()).as("database of " + clone).isTrue();
      return rs.getString(2).isEmpty() ? rs.getString(1) : rs.getString(2);
    }
  }




  private static long tablespaces(LocalPostgres pg, String prefix) throws SQLException {
    return DatabaseClonesTest.count(pg.dataSource("postgres"), "SELECT count(*) FROM pg_tablespace WHERE spcname LIKE '" + prefix + "%'");
  }

  @Test
  void clonesLiveInMemoryAndBehaveLikeAnyOther() throws Exception {
    requireMemory();
    LocalPostgres pg = SharedPostgres.get();
    String prefix = prefix();
    Path dir;
    try (CloneManager m = CloneManagers.databases(pg).golden(SHOP).databasePrefix(prefix).clonesInMemory(true).start()) {
      assertThat(m.strategy().toString()).contains("clones live in memory");
      assertThat(((DatabaseCloneManager) m).clonesInMemory()).isTrue();
      Clone a = m.create("a");
      Clone b = m.create("b");
      dir = Path.of(location(pg, a));
      assertThat(dir).startsWith(Path.of("/dev/shm"));
      assertThat(location(pg, b)).isEqualTo(dir.toString());
      assertThat(DatabaseClonesTest.count(a.dataSource(), "SELECT count(*) FROM items")).isEqualTo(500);

      // isolated from each other, reset to the golden, snapshots and their clones in memory too
      DatabaseClonesTest.exec(a.dataSource(), "DELETE FROM items WHERE id > 100");
      DatabaseClonesTest.exec(a.dataSource(), "SELECT nextval('tickets')");
      assertThat(DatabaseClonesTest.count(b.dataSource(), "SELECT count(*) FROM items")).isEqualTo(500);
      Snapshot s = m.snapshot("trimmed", a);
      Clone c = m.create("c", s);
      assertThat(location(pg, c)).isEqualTo(dir.toString());
      assertThat(DatabaseClonesTest.count(c.dataSource(), "SELECT count(*) FROM items")).isEqualTo(100);
      a.reset();
      assertThat(DatabaseClonesTest.count(a.dataSource(), "SELECT count(*) FROM items")).isEqualTo(500);
      assertThat(DatabaseClonesTest.count(a.dataSource(), "SELECT nextval('tickets')")).isEqualTo(1);
      assertThat(location(pg, a)).isEqualTo(dir.toString());
      assertThat(tablespaces(pg, prefix)).isEqualTo(1);
    }
    // the manager's tablespace and its directory go with it
    assertThat(tablespaces(pg, prefix)).isZero();
    assertThat(dir).doesNotExist();
  }

  @Test
  void byDefaultClonesGoToMemoryOnlyWhereTheDataDirectoryHasNoReflinks() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    long free = tmpfs(Path.of("/dev/shm")) ? Files.getFileStore(Path.of("/dev/shm")).getUsableSpace() : 0;
    try (CloneManager m = CloneManagers.databases(pg).golden(SHOP).databasePrefix(prefix()).start()) {
      // the default: memory where there is no reflink and /dev/shm holds 16 copies of the golden
      long golden = DatabaseClonesTest.count(pg.dataSource("postgres"), "SELECT pg_database_size('" + m.golden().name() + "')");
      boolean expected = !Reflinks.supported(pg.dataDirectory()) && 16 * golden <= free;
      Clone a = m.create("a");
      assertThat(location(pg, a).startsWith("/dev/shm")).as(m.strategy().toString()).isEqualTo(expected);
      assertThat(DatabaseClonesTest.count(a.dataSource(), "SELECT count(*) FROM items")).isEqualTo(500);
    }
    try (CloneManager m = CloneManagers.databases(pg).golden(SHOP).databasePrefix(prefix()).clonesInMemory(false).start()) {
      assertThat(location(pg, m.create("a"))).isEqualTo("pg_default");
      assertThat(m.strategy().toString()).doesNotContain("memory");
    }
  }

  @Test
  void memoryIsRefusedWhereItCannotHoldTheClones() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    assertThatThrownBy(() -> CloneManagers.databases(pg.jdbcUrl("postgres"), pg.user(), pg.password())
        .golden(SHOP).clonesInMemory(true).start())
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
        .hasMessageContaining("need a server this library runs")
        .hasMessageNotContaining(pg.password());
    assertThatThrownBy(() -> CloneManagers.databases(pg).golden(SHOP).databasePrefix(prefix()).persistent(true)
        .clonesInMemory(true).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("persistent manager");
    assertThatThrownBy(() -> CloneManagers.databases(pg).golden(SHOP).copyMethod(dev.lockplane.clone.CopyMethod.FILE_CLONE)
        .clonesInMemory(true).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("conflicts with copyMethod(FILE_CLONE)");
    // a copy method asked for is kept as asked: WAL_LOG into the default tablespace
    try (CloneManager m = CloneManagers.databases(pg).golden(SHOP).databasePrefix(prefix())
        .copyMethod(dev.lockplane.clone.CopyMethod.WAL_LOG).start()) {
      assertThat(location(pg, m.create("a"))).isEqualTo("pg_default");
    }
    // a server that keeps its data directory keeps its clones on disk
    Path data = Files.createTempDirectory("lockplane-kept");
    Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    try (LocalPostgres kept = LocalPostgres.builder().dataDirectory(data.resolve("pgdata")).start()) {
      assertThat(kept.memoryDirectory("x")).isEmpty();
      assertThatThrownBy(() -> CloneManagers.databases(kept).golden(SHOP).clonesInMemory(true).start())
          .isInstanceOf(LockplaneException.class)
          .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED))
          .hasMessageContaining("Clones cannot live in memory: the server keeps its data directory");
      try (CloneManager m = CloneManagers.databases(kept).golden(SHOP).start()) {
        assertThat(location(kept, m.create("a"))).isEqualTo("pg_default");
      }
    } finally {
      dev.lockplane.internal.fs.FileTrees.deleteQuietly(data);
    }
  }

  /**
   * A small tmpfs as the memory root: too small for 16 copies of a large golden (refused up front),
   * then big enough at the start for a small golden but filled by its clones, whose copies then go to disk.
   */
  @Test
  void aFullMemoryFallsBackToDisk() throws Exception {
    try (LoopFilesystem small = LoopFilesystem.tmpfs(136);
        LocalPostgres pg = LocalPostgres.builder().memoryRoot(small.path()).start()) {
      Golden large = Golden.fromScripts(List.of(Script.of("large.sql",
          "CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 50000) g;")));
      assertThatThrownBy(() -> CloneManagers.databases(pg).golden(large).clonesInMemory(true).start())
          .isInstanceOf(LockplaneException.class)
          .hasMessageContaining("16 copies of it do not fit");
      try (CloneManager m = CloneManagers.databases(pg).golden(large).start()) {
        assertThat(location(pg, m.create("a"))).isEqualTo("pg_default");
      }

      try (CloneManager m = CloneManagers.databases(pg).golden(Golden.empty()).databasePrefix("small_").start()) {
        assertThat(((DatabaseCloneManager) m).clonesInMemory()).as(m.strategy().toString()).isTrue();
        List<Clone> clones = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
          Clone c = m.create("c" + i);
          clones.add(c);
          where.add(location(pg, c));
        }
        assertThat(where.get(0)).startsWith(small.path().toString());
        assertThat(where.get(where.size() - 1)).isEqualTo("pg_default");
        assertThat(((DatabaseCloneManager) m).clonesInMemory()).isFalse();
        for (Clone c : clones) {
          assertThat(DatabaseClonesTest.count(c.dataSource(), "SELECT 1")).isEqualTo(1);
        }
      }
      assertThat(DatabaseClonesTest.count(pg.dataSource("postgres"),
          "SELECT count(*) FROM pg_database WHERE datname LIKE 'small_%' AND NOT datistemplate")).as("clones left on the server").isZero();
    }
  }

  @Test
  void theMemoryDirectoryGoesWithTheServer() throws Exception {
    requireMemory();
    Path dir;
    try (LocalPostgres pg = LocalPostgres.builder().start()) {
      dir = pg.memoryDirectory("scratch").orElseThrow();
      assertThat(dir).isDirectory().startsWith(Path.of("/dev/shm"));
      assertThat(pg.memoryDirectory("scratch")).contains(dir);
      assertThatThrownBy(() -> pg.memoryDirectory("../up")).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(dir.getParent()).doesNotExist();
  }
}
