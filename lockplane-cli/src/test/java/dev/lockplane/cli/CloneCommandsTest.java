package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.MainTest.Result;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockplane golden prepare} and {@code lockplane clone ...}: every step is a separate
 * invocation, so what one command made the next one must find on the server or the store.
 */
class CloneCommandsTest {
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

  private long count(String url, String user, String password) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void exec(String url, String user, String password, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void assertClean(Result r) {
    assertThat(r.err()).as("no stack trace").doesNotContain("\tat ", "Exception:");
  }

  @Test
  void aCloneOfTheNewestBackupBeforeATime() throws Exception {
    Path repoDir = tmp.resolve("repo");
    String prefix = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    Map<String, String> env = new HashMap<>(Map.of("CLONE_PW", pg.password()));
    String[] home = {"--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env", "CLONE_PW", "--prefix", prefix};
    java.time.Instant between;
    try (dev.lockplane.testing.ProductionServer prod = dev.lockplane.testing.ProductionServer.start();
        dev.lockplane.backup.BackupRepository repo = dev.lockplane.backup.BackupRepository.at(repoDir).unencrypted().open()) {
      prod.exec("postgres", "CREATE DATABASE shop");
      prod.exec("shop", "CREATE TABLE items (id int PRIMARY KEY)", "INSERT INTO items SELECT generate_series(1, 7)");
      repo.backup().logical(prod.server(), "shop").run();
      between = java.time.Instant.now();
      Thread.sleep(20);
      prod.exec("shop", "INSERT INTO items SELECT generate_series(8, 20)");
      repo.backup().logical(prod.server(), "shop").run();
    }
    try {
      Result before = MainTest.run(env, args(args(new String[] {"clone", "create"}, home), "--name", "incident",
          "--from-backup", repoDir.toString(), "--backup-before", between.toString(), "--format", "json"));
      assertThat(before.code()).as(before.err()).isZero();
      assertClean(before);
      assertThat(count(Json.read(before.out()).get("clone").get("jdbcUrl").asText(), pg.user(), pg.password())).isEqualTo(7);

      Result bad = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home),
          "--from-backup", repoDir.toString(), "--backup-id", "no-such-backup"));
      assertThat(bad.code()).isEqualTo(Main.ERROR);
      assertThat(bad.err()).contains("NOT_FOUND", "no-such-backup");
      assertClean(bad);
      Result stray = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home), "--backup-id", "x"));
      assertThat(stray.code()).isEqualTo(Main.USAGE);
      assertThat(stray.err()).contains("--from-backup");
    } finally {
      destroyAll(prefix);
    }
  }

  /** Destroys whatever clones and snapshots a failed step left under a prefix. */
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

  @Test
  void databaseClonesPersistBetweenInvocations() throws Exception {
    String prefix = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    Map<String, String> env = new HashMap<>(Map.of("CLONE_PW", pg.password()));
    if (System.getenv("PATH") != null) {
      env.put("PATH", System.getenv("PATH"));
    }
    String[] home = {"--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env", "CLONE_PW", "--prefix", prefix};
    try {
      Result prepared = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home),
          "--scripts", scripts().toString(), "--format", "json"));
      assertThat(prepared.code()).as(prepared.err()).isZero();
      JsonNode golden = Json.read(prepared.out()).get("golden");
      assertThat(golden.get("name").asText()).startsWith(prefix + "golden_");
      assertThat(golden.get("dataStateAt").asText()).isNotEmpty();

      Result created = MainTest.run(env, args(args(new String[] {"clone", "create"}, home), "--name", "alice"));
      assertThat(created.code()).as(created.err()).isZero();
      assertThat(created.out()).contains("Clone alice created", "postgres://" + pg.user() + "@",
          "jdbc:postgresql://", "/" + prefix + "alice", "password: the one of role").doesNotContain(pg.password());
      Result again = MainTest.run(env, args(args(new String[] {"clone", "create"}, home), "--name", "alice"));
      assertThat(again.code()).isEqualTo(Main.ERROR);
      assertThat(again.err()).contains("ALREADY_EXISTS");

      Result listed = MainTest.run(env, args(args(new String[] {"clone", "list"}, home), "--format", "json"));
      assertThat(listed.code()).as(listed.err()).isZero();
      JsonNode list = Json.read(listed.out());
      assertThat(list.get("kind").asText()).isEqualTo("database");
      assertThat(list.get("clones")).hasSize(1);
      JsonNode alice = list.get("clones").get(0);
      assertThat(alice.get("name").asText()).isEqualTo("alice");
      assertThat(alice.get("state").asText()).isEqualTo("ok");
      assertThat(alice.get("snapshot").asText()).isEqualTo(golden.get("name").asText());
      assertThat(alice.get("dataStateAt").asText()).isEqualTo(golden.get("dataStateAt").asText());
      assertThat(alice.get("size").asLong()).isPositive();
      assertThat(alice.has("password")).isFalse();
      String url = alice.get("jdbcUrl").asText();

      exec(url, pg.user(), pg.password(), "DELETE FROM items WHERE id > 4");
      Result snap = MainTest.run(env, args(args(new String[] {"clone", "snapshot", "alice"}, home), "--as", "four"));
      assertThat(snap.code()).as(snap.err()).isZero();
      Result reset = MainTest.run(env, args(new String[] {"clone", "reset", "alice"}, home));
      assertThat(reset.code()).as(reset.err()).isZero();
      assertThat(count(url, pg.user(), pg.password())).isEqualTo(10);

      Result bob = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "bob", "--snapshot", "four", "--format", "json"));
      assertThat(bob.code()).as(bob.err()).isZero();
      assertThat(count(Json.read(bob.out()).get("clone").get("jdbcUrl").asText(), pg.user(), pg.password())).isEqualTo(4);

      Result text = MainTest.run(env, args(new String[] {"clone", "list"}, home));
      assertThat(text.out()).contains("alice", "bob", "four", "(golden)", "DATA FROM");

      Result connect = MainTest.run(env, args(new String[] {"clone", "connect", "alice"}, home));
      assertThat(connect.code()).as(connect.err()).isZero();
      assertThat(connect.out()).startsWith("postgres://" + pg.user() + "@").contains(prefix + "alice");
      if (Files.isExecutable(Path.of("/usr/bin/psql")) || env.containsKey("PATH")) {
        Result psql = MainTest.run(env, args(args(new String[] {"clone", "connect", "bob", "--psql"}, home),
            "--", "-Atc", "SELECT count(*) FROM items"));
        if (!psql.err().contains("psql is not on PATH")) {
          assertThat(psql.code()).as(psql.err()).isZero();
          assertThat(psql.out().strip()).isEqualTo("4");
        }
      }

      Result inUse = MainTest.run(env, args(new String[] {"clone", "destroy", "--snapshot", "four"}, home));
      assertThat(inUse.code()).isEqualTo(Main.ERROR);
      assertThat(inUse.err()).contains("IN_USE", "bob");
      for (String name : List.of("alice", "bob")) {
        Result destroyed = MainTest.run(env, args(new String[] {"clone", "destroy", name}, home));
        assertThat(destroyed.code()).as(destroyed.err()).isZero();
      }
      Result snapGone = MainTest.run(env, args(new String[] {"clone", "destroy", "--snapshot", "four"}, home));
      assertThat(snapGone.code()).as(snapGone.err()).isZero();
      assertThat(snapGone.out()).contains("Snapshot four destroyed.");
      Result gone = MainTest.run(env, args(new String[] {"clone", "reset", "alice"}, home));
      assertThat(gone.code()).isEqualTo(Main.ERROR);
      assertThat(gone.err()).contains("NOT_FOUND", "No clone 'alice'", "lockplane clone list --url");
      assertClean(gone);
      assertThat(MainTest.run(env, args(new String[] {"clone", "list"}, home)).out()).contains("No clones in");
    } finally {
      destroyAll(prefix);
    }
  }

  @Test
  void badInputIsAMessageAndAnExitCodeNeverAStackTrace() throws Exception {
    String url = pg.jdbcUrl("postgres");
    Map<String, String> env = Map.of("CLONE_PW", pg.password());
    String prefix = "n" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";

    Result noGolden = MainTest.run(env, "clone", "list", "--url", url, "--user", pg.user(), "--password-env", "CLONE_PW",
        "--prefix", prefix);
    assertThat(noGolden.code()).isEqualTo(Main.ERROR);
    assertThat(noGolden.err()).contains("NOT_FOUND", "No golden", "lockplane golden prepare");
    assertClean(noGolden);

    Result two = MainTest.run(env, "golden", "prepare", "--url", url, "--scripts", scripts().toString(),
        "--from-database", "postgres");
    assertThat(two.code()).isEqualTo(Main.USAGE);
    assertThat(two.err()).contains("Give one golden source", "--scripts", "--from-database");

    Result literal = MainTest.run(env, "clone", "list", "--url", url, "--password", "hunter2-literal");
    assertThat(literal.code()).isEqualTo(Main.USAGE);
    assertThat(literal.err()).contains("--password-env").doesNotContain("hunter2-literal");

    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result unwritable = MainTest.run(env, "golden", "prepare", "--store", file.resolve("store").toString(),
        "--storage", "copy", "--scripts", scripts().toString());
    assertThat(unwritable.code()).isEqualTo(Main.ERROR);
    assertThat(unwritable.err()).contains("Cannot write to the store directory", file.resolve("store").toString());
    assertClean(unwritable);

    Result unreachable = MainTest.run(env, "clone", "list", "--url", "jdbc:postgresql://127.0.0.1:1/postgres",
        "--user", "nobody", "--password-env", "CLONE_PW");
    assertThat(unreachable.code()).isEqualTo(Main.ERROR);
    assertThat(unreachable.err()).contains("DATABASE_ERROR", "Check that the server runs").doesNotContain(pg.password());
    assertClean(unreachable);

    Result nowhere = MainTest.run(env, "clone", "list");
    assertThat(nowhere.code()).isEqualTo(Main.USAGE);
    assertThat(nowhere.err()).contains("--url", "--store");

    Result both = MainTest.run(env, "clone", "list", "--url", url, "--store", tmp.toString());
    assertThat(both.code()).isEqualTo(Main.USAGE);

    Result unsupported = MainTest.run(env, "golden", "prepare", "--store", tmp.resolve("s").toString(), "--storage", "copy",
        "--from-database", "postgres");
    assertThat(unsupported.code()).isEqualTo(Main.ERROR);
    assertThat(unsupported.err()).contains("UNSUPPORTED");
    assertClean(unsupported);
  }

  @Test
  void maxAgeFromTheConfigurationWarnsAboutOldData() throws Exception {
    String prefix = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    Path config = Files.writeString(tmp.resolve("lockplane.toml"), "[clones]\nmax-age = \"0\"\nprefix = \"" + prefix + "\"\n");
    Map<String, String> env = Map.of("CLONE_PW", pg.password());
    String[] home = {"--url", pg.jdbcUrl("postgres"), "--user", pg.user(), "--password-env", "CLONE_PW",
        "--config", config.toString()};
    Result fresh = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home), "--scripts", scripts().toString()));
    assertThat(fresh.code()).as(fresh.err()).isZero();
    assertThat(fresh.out()).contains("Golden " + prefix + "golden_");
    assertThat(fresh.err()).doesNotContain("warning"); // 0: never warn
    Thread.sleep(1100);
    Result old = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home),
        "--scripts", scripts().toString(), "--max-age", "1ms"));
    assertThat(old.code()).as(old.err()).isZero();
    assertThat(old.err()).contains("warning: the data of " + prefix + "golden_", "older than the allowed");
  }

  @Test
  void instanceClonesOnACopyStore() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("instances"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path store = work.resolve("store");
    String[] home = {"--store", store.toString(), "--storage", "copy"};
    Map<String, String> env = Map.of();
    try {
      Result empty = MainTest.run(env, args(new String[] {"clone", "list"}, home));
      assertThat(empty.code()).isEqualTo(Main.ERROR);
      assertThat(empty.err()).contains("NOT_FOUND", "No golden in " + store, "lockplane golden prepare --store " + store);
      Result prepared = MainTest.run(env, args(args(new String[] {"golden", "prepare"}, home), "--scripts", scripts().toString()));
      assertThat(prepared.code()).as(prepared.err()).isZero();
      assertThat(prepared.out()).contains("Golden golden in " + store);

      Result created = MainTest.run(env, args(args(new String[] {"clone", "create"}, home),
          "--name", "alice", "--show-password", "--format", "json"));
      assertThat(created.code()).as(created.err()).isZero();
      JsonNode alice = Json.read(created.out()).get("clone");
      assertThat(alice.get("password").asText()).isNotEmpty();
      assertThat(alice.get("url").asText()).startsWith("postgres://alice@127.0.0.1:");

      Result hidden = MainTest.run(env, args(new String[] {"clone", "list", "--format", "json"}, home));
      assertThat(hidden.code()).as(hidden.err()).isZero();
      JsonNode listed = Json.read(hidden.out()).get("clones");
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).get("state").asText()).isEqualTo("ok");
      assertThat(listed.get(0).get("size").asLong()).isPositive();
      assertThat(listed.get(0).get("ownUsage").asLong()).isPositive();
      assertThat(hidden.out()).doesNotContain(alice.get("password").asText());

      Result destroyed = MainTest.run(env, args(new String[] {"clone", "destroy", "alice"}, home));
      assertThat(destroyed.code()).as(destroyed.err()).isZero();
      assertThat(MainTest.run(env, args(new String[] {"clone", "list"}, home)).out()).contains("No clones in");
    } finally {
      // whatever a failed step left: a manager that keeps nothing destroys the store's clones
      if (Files.isDirectory(store.resolve(".lockplane")) || Files.isDirectory(store)) {
        try (var m = dev.lockplane.instances.InstanceClones.on(dev.lockplane.storage.CowStorages.copy(store))
            .goldenFromStore().start()) {
          m.instances().forEach(c -> c.destroy());
        } catch (dev.lockplane.LockplaneException nothingThere) {
          // no golden: nothing was made
        }
      }
    }
  }
}
