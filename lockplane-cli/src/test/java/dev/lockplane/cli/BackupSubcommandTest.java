package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockplane backup …} reaches the backup commands: a SQLite round trip through the one CLI. */
class BackupSubcommandTest {
  private static int run(ByteArrayOutputStream out, String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8),
        new java.io.ByteArrayInputStream(new byte[0]), Map.of());
  }

  @Test
  void backupAndRestoreASqliteFileThroughTheMainCommand(@TempDir Path tmp) throws Exception {
    Path db = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.createStatement().execute("CREATE TABLE t (x INTEGER)");
      c.createStatement().execute("INSERT INTO t VALUES (1), (2), (3)");
    }
    Path repo = tmp.resolve("repo");
    Path keys = tmp.resolve("keys.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(run(out, "backup", "keys", "generate", "--out", keys.toString())).as(out.toString()).isZero();
    assertThat(run(out, "backup", "create", "--repo", repo.toString(), "--keyset", keys.toString(), "--sqlite", db.toString()))
        .as(out.toString()).isZero();
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    assertThat(run(list, "backup", "list", "--repo", repo.toString())).isZero();
    String id = list.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("sqlite")).findFirst().orElseThrow().split("\\s+")[0];
    Path restored = tmp.resolve("restored.db");
    assertThat(run(out, "backup", "restore", "--repo", repo.toString(), "--keyset", keys.toString(), id, "--to-file", restored.toString()))
        .as(out.toString()).isZero();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
        ResultSet rs = c.createStatement().executeQuery("SELECT sum(x) FROM t")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(6);
    }
    ByteArrayOutputStream help = new ByteArrayOutputStream();
    assertThat(run(help, "help")).isZero();
    assertThat(help.toString(StandardCharsets.UTF_8)).contains("backup", "Backups: compressed, encrypted");
  }
}
