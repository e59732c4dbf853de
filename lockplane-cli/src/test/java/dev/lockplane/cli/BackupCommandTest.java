package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup commands through the one command line (moved here from the backup library). */
class BackupCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  /** {@code lockplane backup ARGS} in this JVM, with the given environment. */
  static Run run(Map<String, String> env, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "backup";
    System.arraycopy(args, 0, all, 1, args.length);
    MainTest.Result r = MainTest.run(env, all);
    return new Run(r.code(), r.out(), r.err());
  }

  @Test
  void keysCreateListShowVerifyRestoreExtractPrune() throws Exception {
    Path db = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      s.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    }
    String keys = tmp.resolve("keys.json").toString();
    String repo = tmp.resolve("repo").toString();
    assertThat(run("keys", "generate", "--out", keys).code()).isZero();
    assertThat(run("keys", "show", "--in", keys).out()).contains("Keyset[id ").contains("(AES256_GCM_HKDF_4KB)");

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Run created = run("create", "--repo", repo, "--keyset", keys, "--sqlite", db.toString(), "--tag", "cli");
      assertThat(created.code()).as(created.err()).isZero();
      ids.add(created.out().trim());
      Thread.sleep(1100);
    }
    Run list = run("list", "--repo", repo);
    assertThat(list.out()).contains(ids.get(0), ids.get(1), "sqlite", "cli");
    assertThat(run("show", "--repo", repo, ids.get(0)).out()).contains("main.t 3 rows", "key id:");
    assertThat(run("show", "--repo", repo, "--json", ids.get(0)).out()).contains("\"manifest\"", "\"sha256\"");

    Run verify = run("verify", "--repo", repo, "--keyset", keys, ids.get(0), "--depth", "drill");
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).startsWith("OK ");
    assertThat(run("verify", "--repo", repo, ids.get(1), "--depth", "data").out()).contains("no keyset: stored bytes only");

    Run restore = run("restore", "--repo", repo, "--keyset", keys, ids.get(1), "--to-file", tmp.resolve("r.db").toString());
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(Files.size(tmp.resolve("r.db"))).isPositive();
    Run again = run("restore", "--repo", repo, "--keyset", keys, ids.get(1), "--to-file", tmp.resolve("r.db").toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("ALREADY_EXISTS", "--overwrite");

    Run extract = run("extract", "--repo", repo, "--keyset", keys, ids.get(1), "--table", "t", "--where", "id >= 2", "--format", "csv");
    assertThat(extract.out()).isEqualTo("id,v\n2,two\n3,three\n");

    Run dry = run("prune", "--repo", repo, "--keep-last", "1", "--dry-run");
    assertThat(dry.out()).contains("keep   " + ids.get(1) + "  (last 1)", "keep   " + ids.get(0) + "  (last verified backup)");

    Run bad = run("create", "--repo", repo, "--sqlite", db.toString());
    assertThat(bad.code()).isEqualTo(64);
    assertThat(bad.err()).contains("--keyset FILE, --keyset-env VAR, or --unencrypted");
    Run wrongKey = run("restore", "--repo", repo, "--keyset", tmp.resolve("nope.json").toString(), ids.get(0), "--to", tmp.resolve("x").toString());
    assertThat(wrongKey.err()).contains("KEY_UNAVAILABLE", "No keyset file at");
  }

  @Test
  void keysetFromAnEnvironmentVariableWithAPassphrase() throws Exception {
    Path db = tmp.resolve("env.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      s.execute("INSERT INTO t VALUES (1), (2)");
    }
    dev.lockplane.backup.Keyset keys = dev.lockplane.backup.Keyset.generate();
    String repo = tmp.resolve("repo").toString();
    String id = dev.lockplane.backup.BackupRepository.at(Path.of(repo)).encryptWith(keys).open().backup().sqlite(db).run().id();

    Map<String, String> env = Map.of("TEST_BACKUP_KEYSET", keys.toJson("s3cret".toCharArray()),
        "TEST_BACKUP_PASSPHRASE", "s3cret");
    Run ok = run(env, "verify", "--repo", repo, "--keyset-env", "TEST_BACKUP_KEYSET", "--passphrase-env",
        "TEST_BACKUP_PASSPHRASE", id);
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("OK " + id).doesNotContain("no keyset");

    Map<String, String> wrong = Map.of("TEST_BACKUP_KEYSET", env.get("TEST_BACKUP_KEYSET"), "TEST_BACKUP_PASSPHRASE", "wrong");
    Run bad = run(wrong, "verify", "--repo", repo, "--keyset-env", "TEST_BACKUP_KEYSET", "--passphrase-env",
        "TEST_BACKUP_PASSPHRASE", id);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("KEY_UNAVAILABLE", "passphrase does not open the keyset in environment variable TEST_BACKUP_KEYSET");
    Run unset = run(Map.of(), "verify", "--repo", repo, "--keyset-env", "TEST_BACKUP_KEYSET", id);
    assertThat(unset.code()).isEqualTo(1);
    assertThat(unset.err()).contains("TEST_BACKUP_KEYSET (--keyset-env) is not set");
  }
}
