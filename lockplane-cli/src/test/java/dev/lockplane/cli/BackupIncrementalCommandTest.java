package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup create --physical --incremental [--parent ID]}, and the chain in {@code list} and {@code show};
 * {@code --no-row-counts}.
 */
class BackupIncrementalCommandTest {
  @TempDir Path tmp;

  @Test
  void incrementalCreateListShow() throws Exception {
    // the server's unprivileged account must reach the data directory inside the private temporary directory
    java.nio.file.Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = tmp.resolve("pg");
    try (LocalPostgres pg = LocalPostgres.builder().dataDirectory(data).start();
        Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
    }
    String repo = tmp.resolve("repo").toString();
    BackupCommandTest.Run bad = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical", "--pgdata",
        data.toString(), "--parent", "x");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("--parent goes with --incremental");

    BackupCommandTest.Run full = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical", "--pgdata",
        data.toString());
    assertThat(full.code()).as(full.err()).isZero();
    String fullId = full.out().trim();
    BackupCommandTest.Run inc = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical", "--pgdata",
        data.toString(), "--incremental", "--parent", fullId);
    assertThat(inc.code()).as(inc.err()).isZero();
    String incId = inc.out().trim();

    String list = BackupCommandTest.run("list", "--repo", repo).out();
    assertThat(list).contains("TYPE", "PARENT");
    assertThat(list.lines().filter(l -> l.startsWith(incId)).findFirst().orElseThrow()).contains("incremental", fullId);
    assertThat(list.lines().filter(l -> l.startsWith(fullId)).findFirst().orElseThrow()).contains(" full ");
    assertThat(BackupCommandTest.run("list", "--repo", repo, "--format", "json").out())
        .contains("\"type\" : \"incremental\"", "\"parent\" : \"" + fullId + "\"");
    String show = BackupCommandTest.run("show", "--repo", repo, incId).out();
    assertThat(show).contains("type:      incremental", "parent:    " + fullId, "chain:     " + incId, "<- " + fullId + " (full, stores");
    assertThat(BackupCommandTest.run("show", "--repo", repo, "--format", "json", incId).out())
        .contains("\"incremental\"", "\"chain\" : [ \"" + fullId + "\" ]");
    assertThat(show).contains("postgres.public.t 1000 rows");

    // without row counts: the tables are listed as not counted
    BackupCommandTest.Run bare = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--physical", "--pgdata",
        data.toString(), "--incremental", "--no-row-counts");
    assertThat(bare.code()).as(bare.err()).isZero();
    assertThat(BackupCommandTest.run("show", "--repo", repo, bare.out().trim()).out())
        .contains("postgres.public.t (rows not counted)").doesNotContain("postgres.public.t 1000 rows");
    BackupCommandTest.Run misplaced = BackupCommandTest.run("create", "--repo", repo, "--unencrypted", "--sqlite",
        tmp.resolve("x.db").toString(), "--no-row-counts");
    assertThat(misplaced.code()).isNotZero();
    assertThat(misplaced.err()).contains("--no-row-counts goes with --physical");
  }
}
