package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lockplane.ErrorCode;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Physical backups of a server reached only over TCP by a role with REPLICATION and a password, as
 * if it were another machine's: no data directory access. PostgreSQL 13, 14, 15 and 18 are backed
 * up over this JVM's own replication connection (18 with block-level incrementals, 13–14 in their
 * older form of the protocol), without client tools.
 */
class ReplicationBackupTest {
  private static final String PASSWORD = "repl-pass-7f3a9";
  static LocalPostgres pg15;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    pg15 = LocalPostgres.builder().version(15).start();
    assumeTrue(Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/pg_basebackup")) || dev.lockplane.testing.Requirements.strict(),
        "needs pg_basebackup 15 (apt-get install postgresql-client-15)");
    TestData.createPostgres(pg15, "remote_app", 300);
    try (Connection c = pg15.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE backup_repl LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
      s.execute("CREATE ROLE no_repl LOGIN PASSWORD '" + PASSWORD + "'");
    }
  }

  @AfterAll
  static void stop() {
    if (pg15 != null) {
      pg15.close();
    }
  }

  private static String url() {
    return "postgres://" + pg15.host() + ":" + pg15.port() + "/postgres";
  }

  @Test
  void backupOverTheReplicationProtocolRestoresToTheSameContent() throws Exception {
    Map<String, String> before;
    String sysid;
    try (Connection c = pg15.connect("remote_app")) {
      before = TestData.fingerprints(c);
    }
    try (Connection c = pg15.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
      rs.next();
      sysid = rs.getString(1);
    }
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    // while the files arrive, a temporary slot of the backup's connection holds the WAL it needs
    List<List<String>> slotsDuringCopy = new ArrayList<>();
    Backup b = repo.backup().physical(url(), "backup_repl", PASSWORD).tag("remote").progress(p -> {
      if (p.phase() == Progress.Phase.COPYING && slotsDuringCopy.isEmpty()) {
        slotsDuringCopy.addAll(slots());
      }
    }).run();
    assertThat(slotsDuringCopy).singleElement().satisfies(row -> {
      assertThat(row.get(0)).startsWith("lockplane_backup_");
      assertThat(row.get(1)).as("temporary").isEqualTo("true");
      assertThat(row.get(2)).as("restart_lsn").isNotNull();
    });
    assertThat(slots()).as("the slot goes with the connection").isEmpty();

    assertThat(b.kind()).isEqualTo(BackupKind.PHYSICAL);
    assertThat(b.serverVersion()).startsWith("15.");
    assertThat(b.databases()).contains("remote_app");
    String manifest = repo.manifestJson(b.id());
    assertThat(manifest).contains("\"sourceHost\" : \"127.0.0.1\"", "\"sourcePort\" : \"" + pg15.port() + "\"",
        "\"sourceDatabase\" : \"postgres\"", "\"systemIdentifier\" : \"" + sysid + "\"", "\"method\" : \"BASE_BACKUP\"",
        "backup_label", "backup_manifest", "pg_wal/");
    assertThat(manifest).doesNotContain(PASSWORD).doesNotContain("backup_repl");
    assertThat(repo.verify(b.id(), VerifyDepth.DATA).problems()).isEmpty();

    try (RestoredServer restored = repo.restore(b.id()).asServer();
        Connection c = restored.server().connect("remote_app")) {
      assertThat(TestData.fingerprints(c)).isEqualTo(before);
    }
  }

  /** The server's replication slots: name, temporary, restart_lsn. */
  private static List<List<String>> slots() {
    List<List<String>> out = new ArrayList<>();
    try (Connection c = pg15.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT slot_name, temporary::text, restart_lsn::text FROM pg_replication_slots")) {
      while (rs.next()) {
        out.add(java.util.Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  @Test
  void incrementalsOverReplicationStoreOnlyThePartsThatChanged() throws Exception {
    TestData.createPostgres(pg15, "remote_chain", 3000);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).partSize(256 * 1024).open();
    List<Backup> links = new ArrayList<>();
    List<Map<String, String>> expected = new ArrayList<>();
    links.add(repo.backup().physical(url(), "backup_repl", PASSWORD).run());
    expected.add(chainFingerprints());
    for (int i = 1; i <= 2; i++) {
      try (Connection c = pg15.connect("remote_chain"); Statement s = c.createStatement()) {
        s.execute("UPDATE accounts SET balance = balance + " + i + " WHERE id % 100 = " + i);
        s.execute("INSERT INTO audit.events (account, payload, at) SELECT 1 + g % 3000, jsonb_build_object('link', " + i
            + "), now() FROM generate_series(1, 50) g");
      }
      BackupRequest r = repo.backup().physical(url(), "backup_repl", PASSWORD);
      Backup b = (i == 1 ? r.incremental() : r.incrementalFrom(links.get(i - 1).id())).run();
      links.add(b);
      expected.add(chainFingerprints());
      assertThat(b.incremental()).isTrue();
      assertThat(b.parent()).isEqualTo(links.get(i - 1).id());
      assertThat(b.storedSize()).as("link %d stores less than the full backup", i).isLessThan(links.get(0).storedSize() / 2);
      assertThat(b.size()).as("link %d represents the whole cluster", i).isGreaterThan(links.get(0).size() / 2);
      assertThat(repo.manifestJson(b.id())).contains("\"method\" : \"file\"", "\"method\" : \"BASE_BACKUP\"",
          "backup_manifest").doesNotContain(PASSWORD);
    }
    VerifyReport last = repo.verify(links.get(2).id(), VerifyDepth.DATA);
    assertThat(last.problems()).isEmpty();
    assertThat(last.objectsChecked()).as("verify reads the objects of the whole chain")
        .isGreaterThan(repo.show(links.get(2).id()).objects());
    for (int i = 0; i < links.size(); i++) {
      try (RestoredServer restored = repo.restore(links.get(i).id()).asServer();
          Connection c = restored.server().connect("remote_chain")) {
        assertThat(TestData.fingerprints(c)).as("link %d", i).isEqualTo(expected.get(i));
      }
    }
  }

  private static Map<String, String> chainFingerprints() throws Exception {
    try (Connection c = pg15.connect("remote_chain")) {
      return TestData.fingerprints(c);
    }
  }

  @Test
  void failuresNameTheServerAndNeverThePassword() {
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    assertThatThrownBy(() -> repo.backup().physical(url(), "backup_repl", "wrong-" + PASSWORD).run())
        .isInstanceOf(BackupException.class).hasMessageContaining("127.0.0.1:" + pg15.port())
        .hasMessageNotContaining(PASSWORD)
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.DATABASE_ERROR));
    assertThatThrownBy(() -> repo.backup().physical(url(), "no_repl", PASSWORD).run())
        .isInstanceOf(BackupException.class).hasMessageContaining("REPLICATION").hasMessageNotContaining(PASSWORD);
    assertThatThrownBy(() -> repo.backup().physical(url() + "?sslmode=sometimes", "backup_repl", PASSWORD).run())
        .isInstanceOf(BackupException.class).hasMessageContaining("sslmode").hasMessageContaining("sometimes")
        .hasMessageNotContaining(PASSWORD);
    assertThat(repo.list()).isEmpty();
  }

  @Test
  void postgres18OverReplicationStoresChangedBlocksWithoutClientTools() throws Exception {
    try (LocalPostgres pg18 = LocalPostgres.builder().version(18).setting("summarize_wal", "on").start()) {
      assumeTrue(!Files.exists(Path.of("/usr/lib/postgresql/18/bin/pg_basebackup")) || dev.lockplane.testing.Requirements.strict(),
          "this machine has pg_basebackup 18");
      TestData.createPostgres(pg18, "shop", 3000);
      try (Connection c = pg18.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE backup_repl LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
      }
      String url = "postgres://127.0.0.1:" + pg18.port() + "/postgres";
      BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).partSize(256 * 1024).open();
      List<Backup> links = new ArrayList<>();
      List<Map<String, String>> expected = new ArrayList<>();
      links.add(repo.backup().physical(url, "backup_repl", PASSWORD).run());
      expected.add(fingerprints(pg18, "shop"));
      assertThat(links.get(0).serverVersion()).startsWith("18.");
      for (int i = 1; i <= 3; i++) {
        try (Connection c = pg18.connect("shop"); Statement s = c.createStatement()) {
          s.execute("UPDATE accounts SET balance = balance + " + i + " WHERE id % 100 = " + i);
          s.execute("DELETE FROM audit.events WHERE id % 97 = " + i);
          s.execute("INSERT INTO audit.events (account, payload, at) SELECT 1 + g % 3000, jsonb_build_object('link', " + i
              + "), now() FROM generate_series(1, 40) g");
          if (i == 1) {
            s.execute("CREATE TABLE scratch AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 3000) g");
          }
          if (i == 2) {
            // a table emptied and refilled: its file is cut, then grows again
            s.execute("DELETE FROM scratch");
            s.execute("VACUUM scratch");
            s.execute("INSERT INTO scratch SELECT g, 'y' FROM generate_series(1, 10) g");
            s.execute("VACUUM accounts");
          }
          if (i == 3) {
            s.execute("ALTER SYSTEM SET summarize_wal = off");
            s.execute("SELECT pg_reload_conf()");
          }
        }
        Backup b = repo.backup().physical(url, "backup_repl", PASSWORD).incremental().run();
        links.add(b);
        expected.add(fingerprints(pg18, "shop"));
        assertThat(b.parent()).isEqualTo(links.get(i - 1).id());
        String manifest = repo.manifestJson(b.id());
        assertThat(manifest).contains("\"method\" : \"BASE_BACKUP\"").doesNotContain(PASSWORD);
        if (i < 3) {
          assertThat(manifest).as("link %d", i).contains("\"method\" : \"block\"", "\"deltas\"").doesNotContain("\"note\"");
          assertThat(b.storedSize()).as("link %d stores less than the full backup", i).isLessThan(links.get(0).storedSize() / 2);
        } else {
          // summaries off: the server cannot tell changed blocks, the parts are compared instead
          assertThat(manifest).contains("\"method\" : \"file\"", "summarize_wal is off on the server");
        }
      }
      assertThat(repo.verify(links.get(3).id(), VerifyDepth.DATA).problems()).isEmpty();
      for (int i = 0; i < links.size(); i++) {
        try (RestoredServer restored = repo.restore(links.get(i).id()).asServer()) {
          assertThat(fingerprints(restored.server(), "shop")).as("link %d", i).isEqualTo(expected.get(i));
        }
      }
    }
  }

  @Test
  void aServerThatRefusesTheIncrementalGetsOneAtPartLevel() throws Exception {
    try (LocalPostgres pg18 = LocalPostgres.builder().version(18).setting("summarize_wal", "on").start()) {
      TestData.createPostgres(pg18, "shop", 1000);
      try (Connection c = pg18.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE backup_repl LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
      }
      String url = "postgres://127.0.0.1:" + pg18.port() + "/postgres";
      BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
      Backup full = repo.backup().physical(url, "backup_repl", PASSWORD).run();
      // the summaries covering the full backup's start are lost: the server accepts the parent's
      // manifest but cannot say which blocks changed since
      try (Connection c = pg18.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("ALTER SYSTEM SET summarize_wal = off");
        s.execute("SELECT pg_reload_conf()");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsummarizer'")) {
            rs.next();
            if (rs.getLong(1) == 0) {
              break;
            }
          }
          Thread.sleep(50);
        }
        try (var files = Files.list(pg18.dataDirectory().resolve("pg_wal/summaries"))) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        try (Connection shop = pg18.connect("shop"); Statement w = shop.createStatement()) {
          w.execute("UPDATE accounts SET balance = balance + 1 WHERE id % 10 = 0");
        }
        s.execute("CHECKPOINT");
        s.execute("ALTER SYSTEM SET summarize_wal = on");
        s.execute("SELECT pg_reload_conf()");
      }
      Map<String, String> expected = fingerprints(pg18, "shop");
      Backup inc = repo.backup().physical(url, "backup_repl", PASSWORD).incremental().run();
      assertThat(inc.parent()).isEqualTo(full.id());
      assertThat(repo.manifestJson(inc.id())).contains("\"method\" : \"file\"",
          "block level was not possible: the server refused an incremental base backup");
      assertThat(inc.storedSize()).isLessThan(full.storedSize());
      try (RestoredServer restored = repo.restore(inc.id()).asServer()) {
        assertThat(fingerprints(restored.server(), "shop")).isEqualTo(expected);
      }
    }
  }

  private static Map<String, String> fingerprints(LocalPostgres pg, String db) throws Exception {
    try (Connection c = pg.connect(db)) {
      return TestData.fingerprints(c);
    }
  }

  @Test
  void postgres13And14AreBackedUpOverTheirFormOfTheProtocolWithoutClientTools() throws Exception {
    // PostgreSQL 13–14 answer BASE_BACKUP with raw tar copy streams and a tablespace list; no
    // pg_basebackup of either version is needed (this machine has only 15's)
    for (int major : new int[] {13, 14}) {
      try (LocalPostgres old = LocalPostgres.builder().version(major).start()) {
        TestData.createPostgres(old, "old_app", 2000);
        try (Connection c = old.connect("postgres"); Statement s = c.createStatement()) {
          s.execute("CREATE ROLE backup_old LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
        }
        String url = "postgres://" + old.host() + ":" + old.port() + "/postgres";
        BackupRepository repo = BackupRepository.at(tmp.resolve("repo-" + major)).encryptWith(Keyset.generate())
            .partSize(256 * 1024).open();
        Backup full = repo.backup().physical(url, "backup_old", PASSWORD).run();
        Map<String, String> atFull = fingerprints(old, "old_app");
        try (Connection c = old.connect("old_app"); Statement s = c.createStatement()) {
          s.execute("UPDATE accounts SET balance = balance + 3 WHERE id % 50 = 1");
          s.execute("CREATE TABLE added AS SELECT g AS id FROM generate_series(1, 500) g");
        }
        Backup inc = repo.backup().physical(url, "backup_old", PASSWORD).incremental().run();
        Map<String, String> atIncremental = fingerprints(old, "old_app");

        assertThat(full.serverVersion()).as("PostgreSQL %d", major).startsWith(major + ".");
        assertThat(repo.manifestJson(full.id())).contains("\"method\" : \"BASE_BACKUP\"", "backup_label",
            "backup_manifest", "pg_wal/").doesNotContain(PASSWORD);
        assertThat(inc.parent()).isEqualTo(full.id());
        assertThat(repo.manifestJson(inc.id())).contains("\"method\" : \"file\"", "\"method\" : \"BASE_BACKUP\"");
        assertThat(inc.storedSize()).as("PostgreSQL %d: the incremental stores less", major)
            .isLessThan(full.storedSize() / 2);
        assertThat(repo.verify(inc.id(), VerifyDepth.DATA).problems()).isEmpty();
        try (RestoredServer r = repo.restore(full.id()).asServer(); Connection c = r.server().connect("old_app")) {
          assertThat(TestData.fingerprints(c)).as("PostgreSQL %d, full", major).isEqualTo(atFull);
        }
        try (RestoredServer r = repo.restore(inc.id()).asServer(); Connection c = r.server().connect("old_app")) {
          assertThat(TestData.fingerprints(c)).as("PostgreSQL %d, incremental", major).isEqualTo(atIncremental);
        }
      }
    }
  }
}
