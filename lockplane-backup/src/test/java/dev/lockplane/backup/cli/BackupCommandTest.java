package dev.lockplane.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BackupCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
    assertThat(run("keys", "show", "--in", keys).out()).contains("Keyset[id ");

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

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BackupCommand.class.getName(),
        "verify", "--repo", repo, "--keyset-env", "TEST_BACKUP_KEYSET", "--passphrase-env", "TEST_BACKUP_PASSPHRASE", id)
        .redirectErrorStream(true);
    pb.environment().put("TEST_BACKUP_KEYSET", keys.toJson("s3cret".toCharArray()));
    pb.environment().put("TEST_BACKUP_PASSPHRASE", "s3cret");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    assertThat(output).contains("OK " + id).doesNotContain("no keyset");

    pb.environment().put("TEST_BACKUP_PASSPHRASE", "wrong");
    Process bad = pb.start();
    String badOutput = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bad.waitFor()).isEqualTo(1);
    assertThat(badOutput).contains("KEY_UNAVAILABLE", "passphrase does not open the keyset in environment variable TEST_BACKUP_KEYSET");
  }
}
