package dev.lockplane.cli;

import static dev.lockplane.cli.JsonAssertions.sortedJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.instances.InstanceCloneManager;
import dev.lockplane.instances.InstanceClones;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockplane clone create --clone-user}: the clone's own login role, used for real, kept
 * through reset, dropped by destroy, its password in no output; and the JSON of {@code reset},
 * {@code snapshot}, {@code connect} and {@code destroy}.
 */
class CloneRoleCommandTest {
  private final LocalPostgres pg = SharedPostgres.get();
  @TempDir Path tmp;

  private Path scripts() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("db"));
    Files.writeString(dir.resolve("V1__items.sql"),
        "CREATE TABLE items (id int PRIMARY KEY);\nINSERT INTO items SELECT generate_series(1, 10);\n");
    return dir;
  }

  private static String[] args(String[] base, String... more) {
    List<String> all = new ArrayList<>(Arrays.asList(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private boolean roleExists(String role) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = " + dev.lockplane.internal.sql.Identifiers.literal(role))) {
      rs.next();
      return rs.getLong(1) == 1;
    }
  }

  private static void assertNoSecret(Result r, String secret) {
    assertThat(r.out()).doesNotContain(secret);
    assertThat(r.err()).doesNotContain(secret);
  }

  @Test
  void aDatabaseCloneGetsItsOwnLoginRoleUntilItIsDestroyed() throws Exception {
    String prefix = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    String role = prefix + "dev";
    String secret = "alice-pw-" + UUID.randomUUID();
    Map<String, String> env = Map.of("CLONE_PW", pg.password(), "ALICE_PW", secret);
    String[] home = {"--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env", "CLONE_PW", "--prefix", prefix};
    try {
      Result prepared = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home), "--scripts", scripts().toString()));
      assertThat(prepared.code()).as(prepared.err()).isZero();

      Result created = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "alice", "--clone-user", role, "--clone-password-env", "ALICE_PW"));
      assertThat(created.code()).as(created.err()).isZero();
      assertThat(created.out()).contains("postgres://" + role + "@", "(user " + role + ")", "role " + role + " owns");
      assertNoSecret(created, secret);

      Result connected = MainTest.run(env, args(new String[] {"clone", "connect", "alice", "--format", "json"}, home));
      assertThat(connected.code()).as(connected.err()).isZero();
      assertNoSecret(connected, secret);
      JsonNode clone = sortedJson(connected.out()).get("clone");
      assertThat(clone.get("name").asText()).isEqualTo("alice");
      assertThat(clone.get("user").asText()).isEqualTo(role);
      assertThat(clone.get("url").asText()).startsWith("postgres://" + role + "@").endsWith("/" + prefix + "alice");
      assertThat(clone.get("state").asText()).isEqualTo("ok");
      assertThat(clone.has("password")).isFalse();
      String url = clone.get("jdbcUrl").asText();

      try (Connection c = DriverManager.getConnection(url, role, secret)) {
        assertThat(count(c)).isEqualTo(10);
        exec(c, "INSERT INTO items VALUES (11)");
        exec(c, "ALTER TABLE items ADD COLUMN note text"); // only the owner may
        exec(c, "CREATE TABLE mine (id int)");
      }
      assertThatThrownBy(() -> DriverManager.getConnection(url, role, "wrong").close()).isInstanceOf(SQLException.class);

      Result reset = MainTest.run(env, args(new String[] {"clone", "reset", "alice", "--format", "json"}, home));
      assertThat(reset.code()).as(reset.err()).isZero();
      assertNoSecret(reset, secret);
      JsonNode afterReset = sortedJson(reset.out());
      assertThat(afterReset.get("reset").asBoolean()).isTrue();
      assertThat(afterReset.get("clone").get("name").asText()).isEqualTo("alice");
      assertThat(afterReset.get("clone").get("user").asText()).isEqualTo(role);
      assertThat(afterReset.get("clone").get("snapshot").asText()).startsWith(prefix + "golden_");
      assertThat(afterReset.get("clone").get("dataStateAt").asText()).isNotEmpty();
      try (Connection c = DriverManager.getConnection(url, role, secret)) {
        assertThat(count(c)).isEqualTo(10);
        exec(c, "DELETE FROM items WHERE id > 3");
        exec(c, "ALTER TABLE items ADD COLUMN note text");
      }

      Result snap = MainTest.run(env, args(new String[] {"clone", "snapshot", "alice", "--as", "three", "--format", "json"}, home));
      assertThat(snap.code()).as(snap.err()).isZero();
      JsonNode snapped = sortedJson(snap.out());
      assertThat(snapped.get("snapshot").get("name").asText()).isEqualTo("three");
      assertThat(snapped.get("snapshot").get("dataStateAt").asText()).isNotEmpty();
      assertThat(snapped.get("clone").get("name").asText()).isEqualTo("alice");
      assertThat(snapped.get("clone").get("user").asText()).isEqualTo(role);

      // a clone of that snapshot belongs to the server's role, not to alice's
      Result bob = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "bob", "--snapshot", "three", "--format", "json"));
      assertThat(bob.code()).as(bob.err()).isZero();
      String bobUrl = sortedJson(bob.out()).get("clone").get("jdbcUrl").asText();
      try (Connection c = DriverManager.getConnection(bobUrl, role, secret)) {
        assertThatThrownBy(() -> count(c)).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
      }
      try (Connection c = DriverManager.getConnection(bobUrl, pg.user(), pg.password())) {
        assertThat(count(c)).isEqualTo(3);
      }

      // a name that is taken is an error, and the clone it was for is not left behind
      Result taken = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "carol", "--clone-user", role, "--clone-password-env", "ALICE_PW"));
      assertThat(taken.code()).isEqualTo(Main.ERROR);
      assertThat(taken.err()).contains("ALREADY_EXISTS", role, "another clone", "--clone-user");
      assertNoSecret(taken, secret);
      Result foreign = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "carol", "--clone-user", pg.user(), "--clone-password-env", "ALICE_PW"));
      assertThat(foreign.code()).isEqualTo(Main.ERROR);
      assertThat(foreign.err()).contains("ALREADY_EXISTS", "not one Lockplane made");
      JsonNode listed = sortedJson(MainTest.run(env, args(new String[] {"clone", "list", "--format", "json"}, home)).out());
      assertThat(listed.get("clones").findValuesAsText("name")).containsExactly("alice", "bob");
      assertThat(listed.get("clones").findValuesAsText("user")).containsExactly(role, pg.user());

      Result literal = MainTest.run(env, args(args(new String[] {"clone", "create"}, home), "--name", "dave",
          "--clone-user", prefix + "dave"));
      assertThat(literal.code()).isEqualTo(Main.USAGE);
      assertThat(literal.err()).contains("--clone-password-env", "--clone-password-file");

      Result destroyed = MainTest.run(env, args(new String[] {"clone", "destroy", "alice", "--format", "json"}, home));
      assertThat(destroyed.code()).as(destroyed.err()).isZero();
      assertNoSecret(destroyed, secret);
      JsonNode gone = sortedJson(destroyed.out());
      assertThat(gone.get("destroyed").asText()).isEqualTo("alice");
      assertThat(gone.get("kind").asText()).isEqualTo("clone");
      assertThat(gone.get("roleDropped").asText()).isEqualTo(role);
      assertThat(gone.get("clone").get("state").asText()).isEqualTo("destroyed");
      assertThat(gone.get("clone").get("snapshot").asText()).startsWith(prefix + "golden_");
      assertThat(roleExists(role)).isFalse();

      Result bobGone = MainTest.run(env, args(new String[] {"clone", "destroy", "bob", "--format", "json"}, home));
      assertThat(bobGone.code()).as(bobGone.err()).isZero();
      assertThat(sortedJson(bobGone.out()).get("roleDropped").isNull()).isTrue();
      Result snapGone = MainTest.run(env, args(new String[] {"clone", "destroy", "--snapshot", "three", "--format", "json"}, home));
      assertThat(snapGone.code()).as(snapGone.err()).isZero();
      JsonNode s = sortedJson(snapGone.out());
      assertThat(s.get("kind").asText()).isEqualTo("snapshot");
      assertThat(s.get("snapshot").get("name").asText()).isEqualTo("three");

      // from a file this time, in text
      Path pwFile = Files.writeString(tmp.resolve("pw"), secret + "\n");
      Result fromFile = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "erin", "--clone-user", role, "--clone-password-file", pwFile.toString()));
      assertThat(fromFile.code()).as(fromFile.err()).isZero();
      assertNoSecret(fromFile, secret);
      try (Connection c = DriverManager.getConnection(url.replace(prefix + "alice", prefix + "erin"), role, secret)) {
        assertThat(count(c)).isEqualTo(10);
      }
      Result erinGone = MainTest.run(env, args(new String[] {"clone", "destroy", "erin"}, home));
      assertThat(erinGone.code()).as(erinGone.err()).isZero();
      assertThat(erinGone.out()).contains("Clone erin and its role " + role + " destroyed.");
      assertThat(roleExists(role)).isFalse();
    } finally {
      destroyAll(prefix);
      try (Connection c = pg.connect("postgres")) {
        exec(c, "DROP ROLE IF EXISTS " + dev.lockplane.internal.sql.Identifiers.quote(role));
      }
    }
  }

  @Test
  void aServerRoleWithCreateroleIsEnoughAndOneWithoutItLeavesNothing() throws Exception {
    String prefix = "q" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    String cloner = prefix + "cloner";
    String role = prefix + "dev";
    String serverPw = "cloner-pw-" + UUID.randomUUID();
    String secret = "dev-pw-" + UUID.randomUUID();
    Map<String, String> env = Map.of("CLONER_PW", serverPw, "DEV_PW", secret);
    String[] home = {"--url", pg.jdbcUrl("postgres"), "--user", cloner, "--password-env", "CLONER_PW", "--prefix", prefix};
    try (Connection c = pg.connect("postgres")) {
      exec(c, "CREATE ROLE " + cloner + " LOGIN CREATEDB PASSWORD " + dev.lockplane.internal.sql.Identifiers.literal(serverPw));
    }
    try {
      Result prepared = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home), "--scripts", scripts().toString()));
      assertThat(prepared.code()).as(prepared.err()).isZero();
      Result refused = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "alice", "--clone-user", role, "--clone-password-env", "DEV_PW"));
      assertThat(refused.code()).isEqualTo(Main.ERROR);
      assertThat(refused.err()).contains("CREATEROLE", "The clone was removed").doesNotContain(secret, serverPw);
      assertThat(MainTest.run(env, args(new String[] {"clone", "list"}, home)).out()).contains("No clones in");
      assertThat(roleExists(role)).isFalse();

      try (Connection c = pg.connect("postgres")) {
        exec(c, "ALTER ROLE " + cloner + " CREATEROLE");
      }
      Result created = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "alice", "--clone-user", role, "--clone-password-env", "DEV_PW", "--format", "json"));
      assertThat(created.code()).as(created.err()).isZero();
      String url = sortedJson(created.out()).get("clone").get("jdbcUrl").asText();
      try (Connection c = DriverManager.getConnection(url, role, secret)) {
        exec(c, "INSERT INTO items VALUES (11)");
        exec(c, "ALTER TABLE items ADD COLUMN note text");
        assertThat(count(c)).isEqualTo(11);
      }
      Result destroyed = MainTest.run(env, args(new String[] {"clone", "destroy", "alice"}, home));
      assertThat(destroyed.code()).as(destroyed.err()).isZero();
      assertThat(roleExists(role)).isFalse();
    } finally {
      try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix).persistent(true).start()) {
        m.list().forEach(c -> c.destroy());
      } catch (dev.lockplane.LockplaneException noGolden) {
        // nothing was prepared
      }
      try (Connection c = pg.connect("postgres")) {
        exec(c, "DROP ROLE IF EXISTS " + role);
      }
    }
  }

  private void destroyAll(String prefix) {
    try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix).persistent(true).start()) {
      m.list().forEach(c -> c.destroy());
      for (Snapshot s : m.snapshots()) {
        if (!s.equals(m.golden())) {
          m.destroySnapshot(s);
        }
      }
    } catch (dev.lockplane.LockplaneException noGolden) {
      // the golden was never prepared: nothing else was made either
    }
  }

  private static InstanceCloneManager reopen(Path store) {
    return InstanceClones.on(CowStorages.copy(store)).keepClonesOnClose(true).goldenFromStore().start();
  }

  @Test
  void anInstanceCloneGetsItsOwnLoginRoleThatSurvivesAReset() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("instances"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path store = work.resolve("store");
    String[] home = {"--store", store.toString(), "--storage", "copy"};
    String secret = "inst-pw-" + UUID.randomUUID();
    Map<String, String> env = Map.of("DEV_PW", secret);
    try {
      Result prepared = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home), "--scripts", scripts().toString()));
      assertThat(prepared.code()).as(prepared.err()).isZero();
      Result created = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "alice", "--clone-user", "developer", "--clone-password-env", "DEV_PW", "--format", "json"));
      assertThat(created.code()).as(created.err()).isZero();
      assertNoSecret(created, secret);
      JsonNode clone = sortedJson(created.out()).get("clone");
      assertThat(clone.get("user").asText()).isEqualTo("developer");
      assertThat(clone.get("url").asText()).startsWith("postgres://developer@127.0.0.1:");
      assertThat(clone.has("password")).isFalse();
      assertThat(Files.readString(store.resolve(".lockplane/clone-roles/alice.json"))).doesNotContain(secret);

      try (InstanceCloneManager m = reopen(store)) {
        InstanceClone c = m.instance("alice").orElseThrow();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), "developer", secret)) {
          assertThat(count(conn)).isEqualTo(10);
          exec(conn, "DELETE FROM items");
          exec(conn, "ALTER TABLE items ADD COLUMN note text");
        }
      }
      Result reset = MainTest.run(env, args(new String[] {"clone", "reset", "alice", "--format", "json"}, home));
      assertThat(reset.code()).as(reset.err()).isZero();
      assertThat(sortedJson(reset.out()).get("clone").get("user").asText()).isEqualTo("developer");
      try (InstanceCloneManager m = reopen(store)) {
        InstanceClone c = m.instance("alice").orElseThrow();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), "developer", secret)) {
          assertThat(count(conn)).isEqualTo(10);
          exec(conn, "INSERT INTO items VALUES (11)");
        }
      }
      Result destroyed = MainTest.run(env, args(new String[] {"clone", "destroy", "alice", "--format", "json"}, home));
      assertThat(destroyed.code()).as(destroyed.err()).isZero();
      assertThat(sortedJson(destroyed.out()).get("roleDropped").asText()).isEqualTo("developer");
      assertThat(store.resolve(".lockplane/clone-roles/alice.json")).doesNotExist();
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
}
