package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockplane.cli.BackupCommandTest.Run;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --format json for the backup commands: create, list, show, verify, prune, with sorted keys. */
class BackupJsonTest {
  @TempDir Path tmp;

  @Test
  void everyBackupResultAsJson() throws Exception {
    Path db = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.createStatement().execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      c.createStatement().execute("INSERT INTO t VALUES (1), (2)");
    }
    String repo = tmp.resolve("repo").toString();
    Run created = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--sqlite", db.toString(), "--tag", "j",
        "--format", "json");
    assertThat(created.code()).as(created.err()).isZero();
    JsonNode c = JsonAssertions.sortedJson(created.out());
    String id = c.get("id").asText();
    assertThat(c.get("kind").asText()).isEqualTo("sqlite");
    assertThat(c.get("tags").get(0).asText()).isEqualTo("j");

    Run list = BackupCommandTest.run("list", "--repo", repo, "--format", "json");
    assertThat(list.code()).as(list.err()).isZero();
    JsonNode l = JsonAssertions.sortedJson(list.out());
    assertThat(l.isArray()).isTrue();
    assertThat(l.get(0).get("id").asText()).isEqualTo(id);
    assertThat(l.get(0).get("rowCounts").get("main.t").asLong()).isEqualTo(2);

    Run show = BackupCommandTest.run("show", "--repo", repo, id, "--format", "json");
    assertThat(show.code()).as(show.err()).isZero();
    JsonAssertions.sortedJson(show.out());
    assertThat(show.out()).contains("\"manifest\"", id);

    Run verify = BackupCommandTest.run("verify", "--repo", repo, id, "--format", "json", "--depth", "structure");
    assertThat(verify.code()).as(verify.err()).isZero();
    JsonNode v = JsonAssertions.sortedJson(verify.out());
    assertThat(v.get("ok").asBoolean()).isTrue();
    assertThat(v.get("depth").asText()).isEqualTo("structure");
    assertThat(v.get("problems").size()).isZero();

    Run prune = BackupCommandTest.run("prune", "--repo", repo, "--keep-last", "1", "--dry-run", "--format", "json");
    assertThat(prune.code()).as(prune.err()).isZero();
    JsonNode p = JsonAssertions.sortedJson(prune.out());
    assertThat(p.get("dryRun").asBoolean()).isTrue();
    assertThat(p.get("decisions").get(0).get("id").asText()).isEqualTo(id);
    assertThat(p.get("decisions").get(0).get("keep").asBoolean()).isTrue();
  }
}
