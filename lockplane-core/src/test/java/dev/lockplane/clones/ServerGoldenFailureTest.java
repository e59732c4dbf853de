package dev.lockplane.clones;

import static dev.lockplane.clones.ProductionServer.READER;
import static dev.lockplane.clones.ProductionServer.READER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.postgres.ClientTools;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A golden read from a server that cannot be read, or cannot be loaded: each failure says what is
 * wrong without a password, and leaves neither a database nor a dump behind.
 */
class ServerGoldenFailureTest {
  private static final String PARTIAL = "partial_reader";
  private static final String PARTIAL_PASSWORD = "partial-S3cret-pw";
  static ProductionServer prod;

  @BeforeAll
  static void start() throws Exception {
    prod = ProductionServer.get();
    prod.exec("postgres", "CREATE ROLE " + PARTIAL + " LOGIN PASSWORD '" + PARTIAL_PASSWORD + "'");
    prod.exec("shop", "GRANT CONNECT ON DATABASE shop TO " + PARTIAL + "; GRANT USAGE ON SCHEMA sales TO " + PARTIAL
        + "; GRANT SELECT ON sales.customers TO " + PARTIAL);
    prod.exec("postgres", "CREATE DATABASE withext");
    prod.exec("withext", "CREATE EXTENSION dblink; CREATE TABLE t (x int); INSERT INTO t VALUES (1);"
        + " GRANT CONNECT ON DATABASE withext TO " + READER + "; GRANT SELECT ON t TO " + READER);
  }

  private static String prefix() {
    return "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  private static CloneManager prepare(String prefix, Golden golden) {
    return CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix).golden(golden).start();
  }

  /** Prepares a golden that must fail, and checks that nothing of it is left. */
  private static LockplaneException failure(Golden golden) throws Exception {
    List<String> dumps = ProductionServer.dumpDirectories();
    String prefix = prefix();
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> prepare(prefix, golden).close());
    assertThat(t).isInstanceOf(LockplaneException.class);
    assertNothingLeft(prefix, dumps);
    return (LockplaneException) t;
  }

  private static void assertNothingLeft(String prefix, List<String> dumps) throws Exception {
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE '" + prefix + "%'")) {
      rs.next();
      assertThat(rs.getLong(1)).as("databases left by a failed golden").isZero();
    }
    assertThat(ProductionServer.dumpDirectories()).as("dump directories left").isEqualTo(dumps);
  }

  @Test
  void anUnreachableSourceIsNamed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LockplaneException e = failure(Golden.fromServer("postgres://127.0.0.1:" + port + "/shop", READER, READER_PASSWORD));
    assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_ERROR);
    assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("unreachable").doesNotContain(READER_PASSWORD);
  }

  @Test
  void aWrongPasswordIsRefusedWithoutShowingAnyPassword() throws Exception {
    LockplaneException e = failure(Golden.fromServer(prod.url("shop"), READER, "not-the-password-42"));
    assertThat(e.getMessage()).contains("refused the password of role 'reader'")
        .doesNotContain("not-the-password-42").doesNotContain(READER_PASSWORD);
    String inUrl = "postgres://reader:Url-Secret-99@127.0.0.1:" + prod.pg.port() + "/shop";
    LockplaneException u = failure(Golden.fromServer(inUrl, READER, null));
    assertThat(u.getMessage()).contains("refused the password").doesNotContain("Url-Secret-99");
    assertThat(String.valueOf(u.getCause())).doesNotContain("Url-Secret-99");
  }

  @Test
  void aMissingRightIsNamed() throws Exception {
    LockplaneException e = failure(Golden.fromServer(prod.url("shop"), PARTIAL, PARTIAL_PASSWORD));
    assertThat(e.getMessage()).contains("lacks rights pg_dump needs").contains("no SELECT on table sales.orders")
        .contains("no SELECT on sequence sales.orders_id_seq").contains("no SELECT on table public.settings")
        .doesNotContain("sales.customers,").doesNotContain(PARTIAL_PASSWORD);
    LockplaneException c = failure(Golden.fromServer(prod.url("private_db"), READER, READER_PASSWORD));
    assertThat(c.getMessage()).contains("no CONNECT on database private_db").contains("GRANT CONNECT");
  }

  @Test
  void aSourceWithoutAMatchingPgDumpSaysWhatToInstall(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tools)
      throws Exception {
    // only the 15 tools are visible, whatever else the machine has, so the source's 18 is never matched
    java.nio.file.Path pgDump15 = ClientTools.find("pg_dump", 15, null).orElseThrow();
    for (String tool : List.of("pg_dump", "pg_restore")) {
      java.nio.file.Files.createSymbolicLink(tools.resolve(tool), pgDump15.resolveSibling(tool));
    }
    LocalPostgres pg18 = SharedPostgres.get();
    assertThat(pg18.majorVersion()).isGreaterThan(15);
    String before = System.getProperty(ClientTools.PROPERTY);
    System.setProperty(ClientTools.PROPERTY, tools.toString());
    try {
      LockplaneException e = failure(Golden.fromServer(
          "postgres://127.0.0.1:" + pg18.port() + "/postgres", pg18.user(), pg18.password()));
      assertThat(e.code()).isEqualTo(ErrorCode.BINARIES_NOT_FOUND);
      assertThat(e.getMessage()).contains("No pg_dump for PostgreSQL " + pg18.majorVersion() + " or later")
          .contains("found: pg_dump 15 (" + tools.resolve("pg_dump") + ")")
          .contains(ClientTools.PROPERTY).contains("apt-get install postgresql-client-" + pg18.majorVersion())
          .doesNotContain(pg18.password());
    } finally {
      if (before == null) {
        System.clearProperty(ClientTools.PROPERTY);
      } else {
        System.setProperty(ClientTools.PROPERTY, before);
      }
    }
    // without the setting the machine's own search says what it found, or finds a newer pg_dump
    try {
      ClientTools.forServer("pg_dump", pg18.majorVersion(), null, 0);
    } catch (LockplaneException e) {
      assertThat(e.getMessage()).contains("Found only").contains("pg_dump 15").contains(ClientTools.VARIABLE);
    }
  }

  @Test
  void aSourceDroppedDuringTheDumpLeavesNothing() throws Exception {
    prod.exec("postgres", "CREATE DATABASE victim TEMPLATE shop");
    prod.exec("postgres", "GRANT CONNECT ON DATABASE victim TO " + READER);
    List<String> dumps = ProductionServer.dumpDirectories();
    String prefix = prefix();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection locker = prod.pg.connect("victim")) {
      // pg_dump waits for this lock, so the source can be dropped while the dump runs
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("LOCK TABLE sales.orders IN ACCESS EXCLUSIVE MODE");
      }
      Future<?> preparing = pool.submit(() -> prepare(prefix, Golden.fromServer(prod.url("victim"), READER, READER_PASSWORD)).close());
      waitForBlockedDump();
      prod.exec("postgres", "DROP DATABASE victim WITH (FORCE)");
      assertThatThrownBy(() -> preparing.get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(LockplaneException.class)
          .hasMessageContaining("pg_dump of")
          .hasMessageContaining("went away during the dump");
    } catch (SQLException expected) {
      // the locker's session was ended by the drop
    } finally {
      pool.shutdownNow();
      prod.exec("postgres", "DROP DATABASE IF EXISTS victim WITH (FORCE)");
    }
    assertNothingLeft(prefix, dumps);
  }

  private static void waitForBlockedDump() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = prod.pg.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = 'victim' AND wait_event_type = 'Lock'")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("pg_dump never waited for the lock");
  }

  @Test
  void aFailingRestoreLeavesNothing() throws Exception {
    // a role with CREATEDB only, as on a managed service: it cannot create the untrusted extension dblink
    LocalPostgres shared = SharedPostgres.get();
    String role = "creator_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = shared.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD 'creator-pw-1'");
    }
    List<String> dumps = ProductionServer.dumpDirectories();
    String prefix = prefix();
    try {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> CloneManagers
          .databases(shared.jdbcUrl("postgres"), role, "creator-pw-1").databasePrefix(prefix)
          .golden(Golden.fromServer(prod.url("withext"), READER, READER_PASSWORD)).start().close());
      assertThat(t).isInstanceOf(LockplaneException.class)
          .hasMessageContaining("pg_restore into the golden being built")
          .hasMessageContaining("dblink")
          .hasMessageContaining("Nothing of it became a golden");
      assertThat(t.getMessage()).doesNotContain("creator-pw-1").doesNotContain(READER_PASSWORD);
      assertNothingLeft(prefix, dumps);
    } finally {
      try (Connection c = shared.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("DROP ROLE " + role);
      }
    }
  }

  @Test
  void managersOtherThanDatabaseLevelOnesSayTheyCannotRefresh(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    try (CloneManager sqlite = CloneManagers.sqlite(dir).start()) {
      assertThatThrownBy(sqlite::refreshGolden).isInstanceOf(LockplaneException.class)
          .hasMessageContaining("cannot refresh its golden").hasMessageContaining("CloneManagers.databases")
          .extracting(e -> ((LockplaneException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED);
    }
  }

  @Test
  void aPhysicalSourceNeedsInstanceClones() throws Exception {
    LockplaneException e = failure(Golden.fromServer(prod.url("shop"), READER, READER_PASSWORD).physical());
    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
    assertThat(e.getMessage()).contains("needs instance-level clones");
  }
}
