package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains of five physical backups (a full one and four incrementals) with writes between the links:
 * every link restores to a server whose tables hold what the live database held when it was taken.
 * PostgreSQL 18 with WAL summaries stores changed blocks; PostgreSQL 15 stores changed files and parts.
 */
class IncrementalChainTest {
  @TempDir Path tmp;

  @Test
  void blockLevelChainOnPostgres18() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder().version(18).setting("summarize_wal", "on").start()) {
      chainOfFive(pg, "block");
    }
  }

  @Test
  void fileLevelChainOnPostgres15() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder().version(15).start()) {
      chainOfFive(pg, "file");
    }
  }

  /**
   * An incremental backup takes its parent's row count for a table the WAL summaries show untouched
   * and counts the one written to: the server's scan counters show which tables were scanned.
   */
  @Test
  void anIncrementalCountsOnlyTheTablesWrittenTo() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder().version(18).setting("summarize_wal", "on").start()) {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE counts");
      }
      try (Connection c = pg.connect("counts"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE still AS SELECT g AS id FROM generate_series(1, 5000) g");
        s.execute("CREATE TABLE moving AS SELECT g AS id FROM generate_series(1, 5000) g");
        // hint bits set now: the full backup's count would otherwise set them, a change the summaries see
        s.execute("VACUUM (FREEZE, ANALYZE)");
      }
      BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
      Backup full = repo.backup().physical(pg).run();
      assertThat(full.rowCounts()).containsEntry("counts.public.still", 5000L);
      long[] before = awaitScans(pg, 1, 1); // the full backup counted both
      try (Connection c = pg.connect("counts"); Statement s = c.createStatement()) {
        s.execute("INSERT INTO moving SELECT g FROM generate_series(5001, 5010) g");
      }
      Backup inc = repo.backup().physical(pg).incremental().run();
      assertThat(inc.rowCounts()).containsEntry("counts.public.still", 5000L).containsEntry("counts.public.moving", 5010L);
      long[] after = awaitScans(pg, before[0], before[1] + 1);
      assertThat(after[1]).as("moving was counted again").isGreaterThan(before[1]);
      assertThat(after[0]).as("still was not scanned: its count is the parent's").isEqualTo(before[0]);
      assertThat(repo.verify(inc.id(), VerifyDepth.DRILL).problems()).isEmpty();
    }
  }

  /**
   * The sequential scans of {@code still} and {@code moving}, once they reach at least the numbers
   * given (backends report their counters when they end), or after 20 seconds.
   */
  private static long[] awaitScans(LocalPostgres pg, long still, long moving) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      long[] now = new long[2];
      try (Connection c = pg.connect("counts"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT relname, seq_scan FROM pg_stat_user_tables")) {
        while (rs.next()) {
          now[rs.getString(1).equals("still") ? 0 : 1] = rs.getLong(2);
        }
      }
      if (now[0] >= still && now[1] >= moving || System.nanoTime() > deadline) {
        return now;
      }
      Thread.sleep(100);
    }
  }

  private void chainOfFive(LocalPostgres pg, String method) throws Exception {
    TestData.createPostgres(pg, "shop", 3000);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).partSize(256 * 1024).open();
    List<Backup> links = new ArrayList<>();
    List<Map<String, String>> expected = new ArrayList<>();
    links.add(repo.backup().physical(pg).tag("full").run());
    expected.add(fingerprints(pg));
    for (int i = 1; i <= 4; i++) {
      write(pg, i);
      BackupRequest r = repo.backup().physical(pg);
      // the parent is found (the latest backup of the cluster) or named
      Backup b = (i % 2 == 0 ? r.incrementalFrom(links.get(i - 1).id()) : r.incremental()).run();
      links.add(b);
      expected.add(fingerprints(pg));
      assertThat(b.incremental()).isTrue();
      assertThat(b.parent()).isEqualTo(links.get(i - 1).id());
      assertThat(b.storedSize()).as("link %d stores less than the full backup", i).isLessThan(links.get(0).storedSize() / 2);
      assertThat(b.size()).as("link %d represents the whole cluster", i).isGreaterThan(links.get(0).size() / 2);
      String manifest = repo.manifestJson(b.id());
      assertThat(manifest).contains("\"method\" : \"" + method + "\"").doesNotContain("\"note\"");
    }
    assertThat(links.get(0).incremental()).isFalse();
    assertThat(repo.list()).extracting(Backup::id).containsExactlyElementsOf(links.stream().map(Backup::id).toList());
    if (method.equals("block")) {
      assertThat(repo.manifestJson(links.get(4).id())).contains("\"deltas\"");
    }

    VerifyReport last = repo.verify(links.get(4).id(), VerifyDepth.DATA);
    assertThat(last.problems()).isEmpty();
    assertThat(last.objectsChecked()).as("verify reads the objects of the whole chain")
        .isGreaterThan(repo.show(links.get(4).id()).objects());

    for (int i = 0; i < links.size(); i++) {
      try (RestoredServer restored = repo.restore(links.get(i).id()).asServer()) {
        assertThat(fingerprints(restored.server())).as("link %d", i).isEqualTo(expected.get(i));
      }
    }
  }

  /** Writes between links: updates, inserts, deletes, a new table, a dropped one, a rewritten one. */
  private static void write(LocalPostgres pg, int link) throws Exception {
    try (Connection c = pg.connect("shop"); Statement s = c.createStatement()) {
      s.execute("UPDATE accounts SET balance = balance + " + link + " WHERE id % 50 = " + link);
      s.execute("INSERT INTO audit.events (account, payload, at) SELECT 1 + g % 3000, jsonb_build_object('link', " + link
          + ", 'g', g), now() FROM generate_series(1, 200) g");
      s.execute("DELETE FROM audit.events WHERE id % 97 = " + link);
      switch (link) {
        case 1 -> s.execute("CREATE TABLE orders AS SELECT g AS id, g * 2 AS total FROM generate_series(1, 5000) g");
        case 2 -> s.execute("VACUUM FULL accounts");
        case 3 -> s.execute("DELETE FROM orders WHERE id > 2500");
        default -> {
          s.execute("VACUUM orders");
          s.execute("DROP TABLE empty_table");
        }
      }
    }
  }

  private static Map<String, String> fingerprints(LocalPostgres pg) throws Exception {
    try (Connection c = pg.connect("shop")) {
      return TestData.fingerprints(c);
    }
  }
}
