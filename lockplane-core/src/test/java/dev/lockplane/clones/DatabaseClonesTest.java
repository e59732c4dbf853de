package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.ScriptException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Database-level clones on the shared server; each test uses its own database prefix. */
class DatabaseClonesTest {
  private static final Golden SHOP = Golden.fromScripts(List.of(
      Script.of("schema.sql", """
          CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
          CREATE TABLE orders (
            id bigint PRIMARY KEY,
            customer_id bigint NOT NULL REFERENCES customers,
            total numeric(12,2) NOT NULL
          );
          """),
      Script.of("seed.sql", """
          INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100) g;
          INSERT INTO orders SELECT g, 1 + g % 100, g * 1.5 FROM generate_series(1, 1000) g;
          """)));

  private static String prefix() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void exec(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long databasesWithPrefix(String prefix) throws SQLException {
    return count(SharedPostgres.get().dataSource("postgres"),
        "SELECT count(*) FROM pg_database WHERE datname LIKE '" + prefix + "%' AND datname NOT LIKE '%golden%'");
  }

  @Test
  void clonesAreIsolatedFromEachOtherAndFromTheGolden() throws Exception {
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix()).start()) {
      Clone a = m.create("alice");
      Clone b = m.create("bob");
      exec(a.dataSource(), "DELETE FROM orders WHERE id <= 500");
      exec(a.dataSource(), "CREATE TABLE scratch (x int)");
      assertThat(count(a.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(500);
      assertThat(count(b.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
      assertThat(count(b.dataSource(), "SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'")).isZero();
      // the golden itself is untouched: a new clone sees the original rows
      Clone c = m.create("carol");
      assertThat(count(c.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
      assertThat(m.list()).extracting(Clone::name).containsExactly("alice", "bob", "carol");
      assertThat(m.get("bob")).contains(b);
      assertThat(a.jdbcUrl()).contains("alice");
    }
  }

  @Test
  void aGoldenScriptWithCopyDataAndFunctionBodiesRunsWhole() throws Exception {
    Golden dump = Golden.fromScripts(List.of(Script.of("dump.sql", """
        CREATE TABLE items (id int PRIMARY KEY, name text);
        COPY public.items (id, name) FROM stdin;
        1\tsemi;colon
        2\t\\\\N is not null here
        3\t\\N
        \\.
        CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql
        BEGIN ATOMIC
          SELECT CASE WHEN true THEN count(*) END FROM items;
        END;
        CREATE FUNCTION label(i int) RETURNS text LANGUAGE plpgsql AS $fn$
        BEGIN
          RETURN (SELECT name FROM items WHERE id = i) || ';';
        END $fn$;
        """)));
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(dump).databasePrefix(prefix()).start()) {
      Clone c = m.create("dumped");
      assertThat(count(c.dataSource(), "SELECT item_count()")).isEqualTo(3);
      assertThat(count(c.dataSource(), "SELECT count(*) FROM items WHERE name IS NULL")).isEqualTo(1);
      assertThat(count(c.dataSource(), "SELECT count(*) FROM items WHERE label(id) = 'semi;colon;'")).isEqualTo(1);
      assertThat(count(c.dataSource(), "SELECT count(*) FROM items WHERE name = '\\N is not null here'")).isEqualTo(1);
    }
  }

  @Test
  void resetRestoresTheSnapshotAndKeepsTheConnectionDetails() throws Exception {
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix()).start()) {
      Clone a = m.create("resettable");
      String url = a.jdbcUrl();
      exec(a.dataSource(), "DROP TABLE orders");
      Connection open = a.dataSource().getConnection();
      a.reset();
      assertThat(open.isValid(2)).as("open sessions are ended by a reset").isFalse();
      open.close();
      assertThat(a.jdbcUrl()).isEqualTo(url);
      assertThat(count(a.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
    }
  }

  @Test
  void destroyFreesTheDatabaseAndCloseDropsEverything() throws Exception {
    String prefix = prefix();
    CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).start();
    Clone a = m.create("gone");
    m.create("also-gone");
    assertThat(databasesWithPrefix(prefix)).isEqualTo(2);
    a.destroy();
    a.destroy(); // twice is safe
    assertThat(a.isDestroyed()).isTrue();
    assertThat(m.get("gone")).isEmpty();
    assertThat(databasesWithPrefix(prefix)).isEqualTo(1);
    assertThatThrownBy(a::reset).isInstanceOf(CloneException.class).hasMessageContaining("destroyed");
    m.close();
    m.close();
    assertThat(databasesWithPrefix(prefix)).isZero();
    assertThatThrownBy(m::create).hasMessageContaining("closed");
  }

  @Test
  void namesAreUniqueAndValidated() {
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix()).start()) {
      m.create("taken");
      assertThatThrownBy(() -> m.create("taken"))
          .isInstanceOf(CloneException.class)
          .satisfies(e -> assertThat(((CloneException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS))
          .hasMessageContaining("'taken' already exists");
      assertThatThrownBy(() -> m.create("Bad Name"))
          .hasMessageContaining("not a valid clone name");
    }
  }

  @Test
  void snapshotsFreezeACloneAndCannotBeDroppedWhileUsed() throws Exception {
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix()).start()) {
      Clone a = m.create("source");
      exec(a.dataSource(), "DELETE FROM orders WHERE id > 10");
      Snapshot small = m.snapshot("small", a);
      exec(a.dataSource(), "DELETE FROM orders");
      Clone b = m.create("from-small", small);
      assertThat(count(b.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(10);
      assertThat(m.snapshots()).extracting(Snapshot::name).containsExactly(m.golden().name(), "small");
      assertThatThrownBy(() -> m.destroySnapshot(small))
          .isInstanceOf(CloneException.class)
          .hasMessageContaining("used by clones [from-small]");
      // a clone can move to another snapshot
      b.reset(m.golden());
      assertThat(count(b.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
      m.destroySnapshot(small);
      assertThat(m.snapshots()).hasSize(1);
      assertThatThrownBy(() -> m.destroySnapshot(m.golden())).hasMessageContaining("golden");
    }
  }

  @Test
  void goldenIsPreparedOncePerContent() throws Exception {
    String prefix = prefix();
    Snapshot first;
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).start()) {
      first = m.golden();
    }
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).start()) {
      assertThat(m.golden()).isEqualTo(first);
    }
    Golden changed = Golden.fromScripts(List.of(Script.of("schema.sql", "CREATE TABLE other (id int);")));
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(changed).databasePrefix(prefix).start()) {
      assertThat(m.golden().name()).isNotEqualTo(first.name());
      assertThat(count(m.create().dataSource(), "SELECT count(*) FROM pg_tables WHERE tablename = 'other'")).isEqualTo(1);
    }
  }

  @Test
  void failingGoldenScriptNamesScriptAndLine() throws Exception {
    Golden broken = Golden.fromScripts(List.of(
        Script.of("ok.sql", "CREATE TABLE a (id int);"),
        Script.of("db/broken.sql", "CREATE TABLE b (id int);\n\n-- the next one is wrong\nINSERT INTO b\n  VALUES ('not a number');\n")));
    String prefix = prefix();
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).golden(broken).databasePrefix(prefix).start())
        .isInstanceOf(ScriptException.class)
        .satisfies(e -> {
          ScriptException se = (ScriptException) e;
          assertThat(se.script()).isEqualTo("db/broken.sql");
          assertThat(se.line()).isEqualTo(5);
          assertThat(se.statement()).startsWith("INSERT INTO b");
        })
        .hasMessageContaining("db/broken.sql:5:")
        .hasMessageContaining("invalid input syntax for type integer");
    // nothing half-built is left behind
    assertThat(count(SharedPostgres.get().dataSource("postgres"),
        "SELECT count(*) FROM pg_database WHERE datname LIKE '" + prefix + "%'")).isZero();
  }

  @Test
  void strategyIsReportedWithItsReason() {
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).copyMethod(CopyMethod.FILE_CLONE).databasePrefix(prefix()).start()) {
      assertThat(m.strategy().method()).isEqualTo(CopyMethod.FILE_CLONE);
      assertThat(m.strategy().reason()).contains("file_copy_method = clone");
      assertThat(m.create().jdbcUrl()).isNotBlank();
    }
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix()).start()) {
      // PostgreSQL 18 with file_copy_method = clone is the default where the data directory has
      // reflinks; elsewhere clones are byte copies in memory; the reason names the filesystem
      boolean reflink = dev.lockplane.internal.fs.Reflinks.supported(SharedPostgres.get().dataDirectory());
      assertThat(m.strategy().method()).isEqualTo(reflink ? CopyMethod.FILE_CLONE : CopyMethod.FILE_COPY);
      assertThat(m.strategy().reason()).contains("the data directory is on");
      if (!reflink) {
        assertThat(m.strategy().reason()).startsWith("clones live in memory");
      }
    }
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).copyMethod(CopyMethod.WAL_LOG).databasePrefix(prefix()).start()) {
      assertThat(m.strategy().method()).isEqualTo(CopyMethod.WAL_LOG);
      assertThat(m.strategy().constantTime()).isFalse();
      assertThat(m.create().jdbcUrl()).isNotBlank();
    }
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).copyMethod(CopyMethod.ZFS_CLONE).start())
        .hasMessageContaining("lockplane-zfs");
  }

  @Test
  void onXfsWithReflinkClonesShareBlocks() throws Exception {
    try (dev.lockplane.testing.LoopFilesystem xfs = dev.lockplane.testing.LoopFilesystem.xfs(600);
        LocalPostgres pg = LocalPostgres.builder().dataDirectory(xfs.path().resolve("data")).durable(false).start()) {
      Golden big = Golden.fromScripts(List.of(Script.of("big.sql",
          "CREATE TABLE blob AS SELECT g AS id, repeat(md5(g::text), 6) AS body FROM generate_series(1, 300000) g;")));
      try (CloneManager m = CloneManagers.databases(pg).golden(big).start()) {
        assertThat(m.strategy().method()).isEqualTo(CopyMethod.FILE_CLONE);
        assertThat(m.strategy().constantTime()).isTrue();
        assertThat(m.strategy().reason()).contains("reflink");
        long goldenBytes = count(pg.dataSource("postgres"), "SELECT pg_database_size('" + m.golden().name() + "')");
        assertThat(goldenBytes).isGreaterThan(60L << 20);
        exec(pg.dataSource("postgres"), "CHECKPOINT");
        long freeBefore = java.nio.file.Files.getFileStore(xfs.path()).getUsableSpace();
        List<Clone> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          made.add(m.create("r" + i));
        }
        exec(pg.dataSource("postgres"), "CHECKPOINT");
        long used = freeBefore - java.nio.file.Files.getFileStore(xfs.path()).getUsableSpace();
        // five byte copies would take five times the golden; reflinks share its blocks
        assertThat(used).as("bytes used by 5 clones of a %d-byte golden", goldenBytes).isLessThan(goldenBytes);
        exec(made.get(0).dataSource(), "DELETE FROM blob");
        assertThat(count(made.get(1).dataSource(), "SELECT count(*) FROM blob")).isEqualTo(300000);
      }
    }
  }

  @Test
  void worksAgainstAnExistingServerByJdbcUrlWithACreatedbRole() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String role = "cloner_" + UUID.randomUUID().toString().substring(0, 6);
    exec(pg.dataSource("postgres"), "CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD 'pw-" + role + "'");
    try (CloneManager m = CloneManagers.databases(pg.jdbcUrl("postgres") + "?ApplicationName=remote", role, "pw-" + role)
        .golden(SHOP).databasePrefix(prefix()).start()) {
      Clone a = m.create("remote");
      assertThat(a.user()).isEqualTo(role);
      assertThat(a.jdbcUrl()).endsWith("?ApplicationName=remote");
      assertThat(count(a.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
      a.reset();
      assertThat(count(a.dataSource(), "SELECT count(*) FROM customers")).isEqualTo(100);
    }
  }

  @Test
  void eightThreadsCreateResetAndDestroyWithoutLeaks() throws Exception {
    String prefix = prefix();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).adminConnections(8).start()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 4; i++) {
            Clone c = m.create("t" + thread + "-" + i);
            exec(c.dataSource(), "DELETE FROM orders WHERE customer_id = " + (thread + 1));
            assertThat(count(c.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(990);
            c.reset();
            assertThat(count(c.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
            c.destroy();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
      assertThat(m.list()).isEmpty();
      assertThat(databasesWithPrefix(prefix)).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void prefetchingHandsOutSparesHidesThemAndClosesTheManager() throws Exception {
    String prefix = prefix();
    CloneManager inner = CloneManagers.databases(SharedPostgres.get()).golden(SHOP).databasePrefix(prefix).start();
    CloneManager m = CloneManagers.prefetching(inner, 2);
    for (int i = 0; i < 500 && inner.list().size() < 2; i++) {
      Thread.sleep(20);
    }
    assertThat(inner.list()).as("two spares made in the background").hasSize(2);
    assertThat(m.list()).as("spares are not listed").isEmpty();
    Clone a = m.create();
    assertThat(count(a.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
    assertThat(m.list()).containsExactly(a);
    assertThat(m.get(a.name())).contains(a);
    exec(a.dataSource(), "DELETE FROM orders");
    a.reset();
    assertThat(count(a.dataSource(), "SELECT count(*) FROM orders")).isEqualTo(1000);
    Clone named = m.create("named");
    assertThat(m.snapshot("from-named", named).name()).isEqualTo("from-named");
    a.destroy();
    assertThat(a.isDestroyed()).isTrue();
    assertThat(m.list()).containsExactly(named);
    assertThatThrownBy(a::reset).hasMessageContaining("destroyed");
    for (int i = 0; i < 500 && inner.get(a.name()).isPresent(); i++) {
      Thread.sleep(20); // dropped in the background
    }
    assertThat(inner.get(a.name())).isEmpty();
    m.close();
    m.close();
    assertThat(databasesWithPrefix(prefix)).as("spares, clones and snapshots dropped").isZero();
    assertThatThrownBy(inner::create).hasMessageContaining("closed");
    assertThatThrownBy(() -> CloneManagers.prefetching(inner, -1)).hasMessageContaining("0 to 64");
  }
}
