package dev.lockplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.WalArchiver;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockplane recover --into-instance-clone}: recovery into a clone on copy-on-write storage
 * (plain copies here, which every filesystem allows), served until the command is interrupted, kept
 * after it, served again without a target, and removed with {@code --destroy}.
 */
class RecoverInstanceCloneCommandTest {
  @TempDir Path tmp;

  /** A command running in a thread, its output readable while it serves. */
  private static final class Running {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final AtomicInteger code = new AtomicInteger(-1);
    final Thread thread;

    Running(String... args) {
      Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
          new ByteArrayInputStream(new byte[0]), Map.of("HOME", "/nonexistent-home"), false);
      thread = new Thread(() -> code.set(Main.run(cli, args)), "recover-command");
      thread.start();
    }

    /** Waits until the command serves the clone, and returns what it printed on stdout. */
    String awaitServing() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!err.toString(StandardCharsets.UTF_8).contains("runs until this command is interrupted")) {
        assertThat(thread.isAlive()).as("the command ended: %s%s", out, err).isTrue();
        assertThat(System.nanoTime()).as("the command serves within 2 minutes: %s", err).isLessThan(deadline);
        Thread.sleep(100);
      }
      return out.toString(StandardCharsets.UTF_8);
    }

    int stop() throws InterruptedException {
      thread.interrupt();
      thread.join(60_000);
      assertThat(thread.isAlive()).isFalse();
      return code.get();
    }
  }

  private static List<Integer> ids(String jdbcUrl, String user, String password) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  private static String switchWal(LocalPostgres pg) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("SELECT txid_current()");
      try (ResultSet rs = s.executeQuery("SELECT pg_switch_wal()::text")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @Test
  void recoverServeKeepServeAgainAndDestroy() throws Exception {
    // the recovered servers run as the server account, which must reach the store under tmp
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    String repoDir = tmp.resolve("repo").toString();
    String store = tmp.resolve("store").toString();
    Backup base;
    Instant between;
    try (LocalPostgres prod = LocalPostgres.builder().setting("wal_level", "replica").setting("max_wal_senders", "4")
        .setting("max_replication_slots", "4").setting("shared_buffers", "16MB").start()) {
      try (Connection c = prod.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id int PRIMARY KEY)");
      }
      BackupRepository repo = BackupRepository.at(Path.of(repoDir)).unencrypted().open();
      try (WalArchiver archiver = repo.walArchiver().source(prod.jdbcUrl("postgres"), prod.user(), prod.password())
          .slot("lp_cli_clone").createSlot().start()) {
        base = repo.backup().physical(prod).run();
        try (Connection c = prod.connect("postgres"); Statement s = c.createStatement()) {
          s.execute("INSERT INTO t VALUES (1), (2)");
          Thread.sleep(100);
          between = Instant.now();
          Thread.sleep(100);
          s.execute("INSERT INTO t VALUES (3)");
        }
        archiver.awaitArchived(switchWal(prod), Duration.ofSeconds(60));
      }
    }
    String[] where = {"--store", store, "--storage", "copy"};
    String again = "lockplane recover --into-instance-clone at-t --store " + store + " --storage copy";

    MainTest.Result kept = MainTest.run(concat(new String[] {"recover", "--repo", repoDir, "--unencrypted", "--to",
        between.toString(), "--into-instance-clone", "at-t", "--keep-stopped"}, where));
    assertThat(kept.code()).as(kept.err()).isZero();
    assertThat(kept.out()).contains("base backup  " + base.id(), "because    it is the newest physical backup",
        "recovery stopping before commit", "clone        at-t: volume pitr-at-t on plain copies",
        "stopped      the clone is kept: serve it with '" + again + "', remove it with '" + again + " --destroy'");

    Running latest = new Running(concat(new String[] {"recover", "--repo", repoDir, "--unencrypted", "--latest",
        "--into-instance-clone", "latest", "--format", "json", "--show-password"}, where));
    JsonNode j = new ObjectMapper().readTree(latest.awaitServing());
    assertThat(j.get("plan").get("backupId").asText()).isEqualTo(base.id());
    assertThat(j.get("clone").asText()).isEqualTo("latest");
    assertThat(j.get("volume").asText()).isEqualTo("pitr-latest");
    assertThat(j.get("running").asBoolean()).isTrue();
    String baseVolume = j.get("baseVolume").asText();
    assertThat(j.get("url").asText()).startsWith("postgres://" + j.get("user").asText() + "@").doesNotContain(j.get("password").asText());
    assertThat(ids(j.get("jdbcUrl").asText(), j.get("user").asText(), j.get("password").asText())).containsExactly(1, 2, 3);
    assertThat(latest.stop()).isZero();
    assertThat(CowStorages.copy(Path.of(store)).volumes()).containsExactlyInAnyOrder(baseVolume, "pitr-at-t", "pitr-latest");

    // a kept clone, served again without a target: what it printed connects, without a password unless asked
    Running at = new Running(concat(new String[] {"recover", "--into-instance-clone", "at-t", "--show-password"}, where));
    String text = at.awaitServing();
    Matcher m = Pattern.compile("connect: postgres://(\\w+)@([\\d.]+):(\\d+)/postgres  \\(password: (\\S+)\\)").matcher(text);
    assertThat(m.find()).as(text).isTrue();
    assertThat(ids("jdbc:postgresql://" + m.group(2) + ":" + m.group(3) + "/postgres", m.group(1), m.group(4)))
        .containsExactly(1, 2);
    assertThat(at.stop()).isZero();
    assertThat(at.err.toString(StandardCharsets.UTF_8)).contains("the clone stays after it");

    MainTest.Result destroyAt = MainTest.run(concat(new String[] {"recover", "--into-instance-clone", "at-t", "--destroy"}, where));
    assertThat(destroyAt.code()).as(destroyAt.err()).isZero();
    assertThat(destroyAt.out()).startsWith("destroyed    pitr-at-t on plain copies").contains("its base stays");
    MainTest.Result destroyLatest = MainTest.run(concat(new String[] {"recover", "--into-instance-clone", "latest", "--destroy",
        "--format", "json"}, where));
    assertThat(destroyLatest.code()).as(destroyLatest.err()).isZero();
    JsonNode d = new ObjectMapper().readTree(destroyLatest.out());
    assertThat(d.get("destroyed").toString()).isEqualTo("[\"pitr-latest\",\"" + baseVolume + "\"]");
    assertThat(CowStorages.copy(Path.of(store)).volumes()).isEmpty();

    MainTest.Result gone = MainTest.run(concat(new String[] {"recover", "--into-instance-clone", "at-t", "--destroy"}, where));
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("No recovered clone at-t").doesNotContain("\tat dev.");
    MainTest.Result missing = MainTest.run(concat(new String[] {"recover", "--into-instance-clone", "at-t"}, where));
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("No recovered clone at-t", "Recover one first");
  }

  @Test
  void misusedOptionsAreUsageErrors() {
    String[][] bad = {
        {"recover", "--repo", "/nonexistent", "--latest", "--plan", "--storage", "copy"},
        {"recover", "--repo", "/nonexistent", "--latest", "--into-instance-clone", "x", "--plan"},
        {"recover", "--repo", "/nonexistent", "--latest", "--into-instance-clone", "x", "--serve", "--storage", "copy"},
        {"recover", "--into-instance-clone", "x", "--keep-stopped", "--storage", "copy"},
        {"recover", "--into-instance-clone", "x", "--storage", "copy"},
        {"recover", "--into-instance-clone", "x", "--storage", "tape", "--store", "/tmp"}};
    String[] says = {"go with --into-instance-clone", "without --into, --plan or --estimate-loss", "--serve is another place",
        "serves the kept clone", "needs --store DIR", "is not one of zfs:POOL/DATASET, reflink, copy"};
    for (int i = 0; i < bad.length; i++) {
      MainTest.Result r = MainTest.run(bad[i]);
      assertThat(r.code()).as(String.join(" ", bad[i]) + ": " + r.err()).isEqualTo(64);
      assertThat(r.err()).contains(says[i]);
    }
    MainTest.Result help = MainTest.run("recover", "--help");
    assertThat(help.out()).contains("--into-instance-clone=NAME", "--keep-stopped", "--destroy", "--lock-timeout=DURATION");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
