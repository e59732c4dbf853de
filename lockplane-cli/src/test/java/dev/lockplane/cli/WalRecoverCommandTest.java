package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.testing.ProductionServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockplane wal archive|status|push} and {@code lockplane recover} against a server reached
 * only over TCP by a REPLICATION role; the library's tests cover recovery to many targets, here the
 * command line's part: options, what it says about its choice, errors without stack traces.
 */
class WalRecoverCommandTest {
  @TempDir Path tmp;

  private static String switchWal(ProductionServer prod) throws Exception {
    try (Connection c = prod.server().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("SELECT txid_current()");
      try (ResultSet rs = s.executeQuery("SELECT pg_switch_wal()::text")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @Test
  void archiveStatusRecover() throws Exception {
    try (ProductionServer prod = ProductionServer.start()) {
      prod.exec("postgres", "SELECT pg_create_physical_replication_slot('lp_cli', true)");
      prod.exec("postgres", "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)", "GRANT SELECT ON t TO " + ProductionServer.READER);
      String repo = tmp.resolve("repo").toString();
      Map<String, String> env = Map.of("PGPASSWORD", ProductionServer.PASSWORD);
      String url = "postgres://" + ProductionServer.REPLICATOR + "@" + prod.server().host() + ":" + prod.server().port() + "/postgres";

      MainTest.Result archived = MainTest.run(env, "wal", "archive", "--repo", repo, "--unencrypted", "--url", url,
          "--slot", "lp_cli", "--until", switchWal(prod));
      assertThat(archived.code()).as(archived.err()).isZero();
      assertThat(archived.out()).contains("slot lp_cli, archived through");
      MainTest.Result backup = MainTest.run(env, "backup", "create", "--repo", repo, "--unencrypted", "--physical", "--url", url);
      assertThat(backup.code()).as(backup.err()).isZero();
      String backupId = backup.out().trim();
      prod.exec("postgres", "INSERT INTO t VALUES (2)");
      Instant between = Instant.now();
      Thread.sleep(50);
      prod.exec("postgres", "INSERT INTO t VALUES (3)", "SELECT pg_create_restore_point('cli-point')");
      MainTest.Result resumed = MainTest.run(env, "wal", "archive", "--repo", repo, "--unencrypted", "--url", url,
          "--slot", "lp_cli", "--until", switchWal(prod), "--format", "json");
      assertThat(resumed.code()).as(resumed.err()).isZero();
      assertThat(resumed.out()).contains("\"gaps\" : [ ]");

      MainTest.Result status = MainTest.run(env, "wal", "status", "--repo", repo, "--url", url);
      assertThat(status.code()).as(status.err()).isZero();
      assertThat(status.out()).contains("gaps       none", "bytes not archived yet", "restore point 'cli-point' at ",
          "last commit ").doesNotContain(ProductionServer.PASSWORD);

      MainTest.Result plan = MainTest.run("recover", "--repo", repo, "--unencrypted", "--to",
          between.toString().replace("T", " ").replace("Z", "+00"), "--plan");
      assertThat(plan.code()).as(plan.err()).isZero();
      assertThat(plan.out()).contains("base backup  " + backupId, "because    it is the newest physical backup");

      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
      MainTest.Result into = MainTest.run("recover", "--repo", repo, "--unencrypted", "--to", between.toString(),
          "--into", tmp.resolve("recovered").toString());
      assertThat(into.code()).as(into.err()).isZero();
      assertThat(into.out()).contains("recovered    last transaction committed at", "recovery stopping before commit");
      assertThat(Files.exists(tmp.resolve("recovered/PG_VERSION"))).isTrue();

      String reader = "postgres://" + ProductionServer.READER + "@" + prod.server().host() + ":" + prod.server().port() + "/postgres";
      MainTest.Result loss = MainTest.run(env, "recover", "--repo", repo, "--unencrypted", "--to", between.toString(),
          "--estimate-loss", "--url", reader);
      assertThat(loss.code()).as(loss.err()).isZero();
      assertThat(loss.out()).contains("base backup  " + backupId, "undoes 1 row change in 1 table",
          "loses 1 row in public.t written after it (no primary key").doesNotContain(ProductionServer.PASSWORD);
      MainTest.Result lossJson = MainTest.run(env, "recover", "--repo", repo, "--unencrypted", "--to", between.toString(),
          "--estimate-loss", "--url", reader, "--format", "json");
      assertThat(lossJson.code()).as(lossJson.err()).isZero();
      com.fasterxml.jackson.databind.JsonNode lj = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lossJson.out());
      assertThat(lj.get("rowsInserted").asLong()).isEqualTo(1);
      // INSERT 3 and the txid_current() before the switch: the archived commit records after the target
      assertThat(lj.get("archivedCommitsAfter").asLong()).isEqualTo(2);
      assertThat(lj.get("tables").get(0).get("comparison").asText()).isEqualTo("row-counts");
      MainTest.Result urlWithoutEstimate = MainTest.run("recover", "--repo", repo, "--unencrypted", "--latest", "--plan",
          "--url", reader);
      assertThat(urlWithoutEstimate.code()).isEqualTo(64);

      MainTest.Result timeline = MainTest.run(env, "backup", "timeline", "--repo", repo, "--url", reader);
      assertThat(timeline.code()).as(timeline.err()).isZero();
      assertThat(timeline.out()).startsWith("backup " + backupId).contains(" → now", "no gaps", "restore point 'cli-point' at ",
          "note: database postgres has no lockplane.history");
      MainTest.Result timelineJson = MainTest.run("backup", "timeline", "--repo", repo, "--format", "json");
      assertThat(timelineJson.code()).as(timelineJson.err()).isZero();
      com.fasterxml.jackson.databind.JsonNode tj = new com.fasterxml.jackson.databind.ObjectMapper().readTree(timelineJson.out());
      assertThat(tj.get("events").get(0).get("label").asText()).isEqualTo(backupId);
      assertThat(tj.get("wal").get(0).get("gaps")).isEmpty();

      MainTest.Result before = MainTest.run("recover", "--repo", repo, "--unencrypted", "--to", "2020-01-01 00:00:00+00", "--plan");
      assertThat(before.code()).isEqualTo(1);
      assertThat(before.err()).contains("before the oldest base backup", backupId).doesNotContain("\tat dev.");
      MainTest.Result twoTargets = MainTest.run("recover", "--repo", repo, "--unencrypted", "--latest", "--lsn", "0/1", "--plan");
      assertThat(twoTargets.code()).isEqualTo(64);
      assertThat(twoTargets.err()).contains("give one target");
      MainTest.Result noOffset = MainTest.run("recover", "--repo", repo, "--unencrypted", "--to", "2026-11-30 10:15:00", "--plan");
      assertThat(noOffset.code()).isEqualTo(64);
      assertThat(noOffset.err()).contains("with an offset");
      Path notWal = Files.writeString(tmp.resolve("x.txt"), "x");
      MainTest.Result push = MainTest.run("wal", "push", "--repo", repo, "--unencrypted", notWal.toString());
      assertThat(push.code()).isEqualTo(1);
      assertThat(push.err()).contains("neither a WAL segment").doesNotContain("\tat dev.");
    }
    for (String[] help : new String[][] {{"recover", "--help"}, {"backup", "timeline", "--help"}, {"wal", "--help"}, {"wal", "archive", "--help"},
        {"wal", "status", "--help"}, {"wal", "push", "--help"}}) {
      MainTest.Result r = MainTest.run(help);
      assertThat(r.code()).as(String.join(" ", help)).isZero();
      assertThat(r.out()).contains("Usage:");
    }
  }
}
