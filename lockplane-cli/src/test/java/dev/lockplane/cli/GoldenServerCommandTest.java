package dev.lockplane.cli;

import static dev.lockplane.cli.JsonAssertions.sortedJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.instances.InstanceCloneManager;
import dev.lockplane.instances.InstanceClones;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.ProductionServer;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockplane golden prepare --from-server}: a "production" server reached only over TCP with
 * a password, read logically by a read-only role into database clones, and physically (--physical)
 * by a REPLICATION role into instance clones; the clones hold its rows, and its password shows nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenServerCommandTest {
  private static final String FINGERPRINT = "SELECT count(*) || ':' || md5(string_agg(o::text, ',' ORDER BY id)) FROM orders o";
  private final LocalPostgres pg = SharedPostgres.get();
  private ProductionServer prod;
  private String expected;
  @TempDir Path tmp;

  @BeforeAll
  void start() throws Exception {
    prod = ProductionServer.start();
    prod.exec("postgres", "CREATE DATABASE shop");
    prod.exec("shop",
        "CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(10,2))",
        "INSERT INTO orders SELECT g, 'customer ' || g, g * 1.25 FROM generate_series(1, 200) g",
        "GRANT SELECT ON orders TO " + ProductionServer.READER);
    try (Connection c = prod.server().connect("shop"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(FINGERPRINT)) {
      rs.next();
      expected = rs.getString(1);
    }
  }

  @AfterAll
  void stop() {
    if (prod != null) {
      prod.close();
    }
  }

  private static String fingerprint(String url, String user, String password) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(FINGERPRINT)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void assertNoSecret(Result r) {
    assertThat(r.out()).doesNotContain(ProductionServer.PASSWORD);
    assertThat(r.err()).doesNotContain(ProductionServer.PASSWORD);
  }

  @Test
  void aReadOnlyRoleDumpsTheServerIntoDatabaseClones() throws Exception {
    String prefix = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    Map<String, String> env = Map.of("CLONE_PW", pg.password(), "PROD_PW", ProductionServer.PASSWORD);
    String[] home = {"--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env", "CLONE_PW", "--prefix", prefix};
    try {
      Result prepared = MainTest.run(env, concat(concat(new String[] {"golden", "prepare"}, home), "--from-server",
          prod.url("shop"), "--source-user", ProductionServer.READER, "--source-password-env", "PROD_PW", "--jobs", "1",
          "--format", "json"));
      assertThat(prepared.code()).as(prepared.err()).isZero();
      assertNoSecret(prepared);
      JsonNode golden = sortedJson(prepared.out()).get("golden");
      assertThat(golden.get("description").asText()).contains("127.0.0.1:" + prod.server().port());

      Result created = MainTest.run(env, concat(concat(new String[] {"clone", "create"}, home), "--name", "copy1",
          "--format", "json"));
      assertThat(created.code()).as(created.err()).isZero();
      String url = sortedJson(created.out()).get("clone").get("jdbcUrl").asText();
      assertThat(fingerprint(url, pg.user(), pg.password())).isEqualTo(expected);
    } finally {
      try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix).persistent(true).start()) {
        m.list().forEach(c -> c.destroy());
      } catch (dev.lockplane.LockplaneException nothingPrepared) {
        // the golden was never made
      }
    }
  }

  @Test
  void aReplicationRoleCopiesTheServerPhysicallyIntoInstanceClones() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("instances"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path store = work.resolve("store");
    String[] home = {"--store", store.toString(), "--storage", "copy"};
    Map<String, String> env = Map.of("PROD_PW", ProductionServer.PASSWORD);
    try {
      Result prepared = MainTest.run(env, concat(concat(new String[] {"golden", "prepare"}, home), "--from-server",
          prod.url("shop"), "--source-user", ProductionServer.REPLICATOR, "--source-password-env", "PROD_PW", "--physical"));
      assertThat(prepared.code()).as(prepared.err()).isZero();
      assertNoSecret(prepared);
      assertThat(prepared.out()).contains("Golden golden in " + store, "base backup of postgres://127.0.0.1:" + prod.server().port());

      Result created = MainTest.run(env, concat(concat(new String[] {"clone", "create"}, home), "--name", "replica1",
          "--format", "json"));
      assertThat(created.code()).as(created.err()).isZero();
      assertNoSecret(created);
      assertThat(sortedJson(created.out()).get("kind").asText()).isEqualTo("instance");

      // the clone's server runs while a manager holds the store: this one, for the query
      try (InstanceCloneManager m = InstanceClones.on(CowStorages.copy(store)).keepClonesOnClose(true).goldenFromStore().start()) {
        InstanceClone c = m.instance("replica1").orElseThrow();
        assertThat(fingerprint(JdbcUrls.withDatabase(c.jdbcUrl(), "shop"), c.user(), c.password())).isEqualTo(expected);
      }
    } finally {
      if (Files.isDirectory(store)) {
        try (InstanceCloneManager m = InstanceClones.on(CowStorages.copy(store)).goldenFromStore().start()) {
          m.instances().forEach(c -> c.destroy());
        } catch (dev.lockplane.LockplaneException nothingThere) {
          // no golden: nothing was made
        }
      }
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
