package dev.lockplane.testkit;

import static dev.lockplane.testkit.Db.count;
import static dev.lockplane.testkit.Db.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Golden;
import dev.lockplane.internal.testkit.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * On the embedded server the clones live in a tablespace in memory where its data directory has no
 * reflinks, and each test still gets its own pristine database there.
 */
@LockplaneTest(scripts = "db/shop.sql")
class ClonesInMemoryTest {
  private static boolean memoryExpected() throws IOException {
    Path shm = Path.of("/dev/shm");
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    // room for 16 copies of this small golden (not a container's 64 MB /dev/shm)
    return Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type())
        && Files.getFileStore(shm).getUsableSpace() >= 256L << 20
        && !dev.lockplane.internal.fs.Reflinks.supported(tmp);
  }

  /** The directory of the tablespace the connection's database lives in, or {@code pg_default}. */
  private static String location(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT t.spcname, pg_tablespace_location(t.oid)"
        + " FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = current_database()")) {
      rs.next();
      return rs.getString(2).isEmpty() ? rs.getString(1) : rs.getString(2);
    }
  }

  @Test
  void theCloneLivesInMemoryWhereTheFilesystemHasNoReflinks(Connection c) throws Exception {
    String where = location(c);
    if (memoryExpected()) {
      assertThat(where).startsWith("/dev/shm/");
    } else {
      assertThat(where).isEqualTo("pg_default");
    }
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO customers VALUES (9001, 'in memory')");
    }
  }

  @Test
  void anotherTestStillGetsAPristineClone(DataSource ds) throws Exception {
    assertThat(count(ds, "SELECT count(*) FROM customers WHERE id = 9001")).isZero();
    exec(ds, "INSERT INTO customers VALUES (9001, 'again')");
  }

  @Test
  void spareCountFollowsWhatAClonesCosts() {
    Settings auto = settings(Settings.AUTO_POOL);
    assertThat(auto.spares(true)).isEqualTo(4);
    assertThat(auto.spares(false)).isEqualTo(2);
    assertThat(settings(1).spares(true)).isEqualTo(1);
    assertThat(settings(0).spares(false)).isZero();
  }

  private static Settings settings(int pool) {
    return new Settings(Engine.POSTGRES, 18, Golden.empty(), pool, Keep.NEVER, null, null, null, Isolation.DATABASE,
        null, false, null);
  }
}
