package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.internal.backup.WalIndex;
import dev.lockplane.internal.backup.WalRecords;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index of restore points and commits read from the archived WAL, and its use: a known number
 * of commits, one rollback and a restore point are written into a segment of their own; the
 * archived entry must list exactly those, whether the segment came through the archiver or through
 * {@code archive_command}; recovery to the restore point starts from the newest backup before it
 * and yields exactly the rows committed before it; an unknown name is refused naming the known
 * ones; and an entry written before the index existed still reads.
 */
class WalIndexTest {
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  @TempDir Path tmp;

  private static String one(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static List<Integer> ids(Connection c) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM ticks ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  private static void insert(Connection c, int from, int to) throws Exception {
    try (Statement s = c.createStatement()) {
      for (int i = from; i <= to; i++) {
        s.execute("INSERT INTO ticks VALUES (" + i + ")"); // autocommit: one commit record each
      }
    }
  }

  @Test
  void restorePointsAndCommitsAreIndexedAndUsedOnPostgres18() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder().version(18).setting("autovacuum", "off")
        .setting("max_wal_senders", "10").setting("max_replication_slots", "10").start()) {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE shop");
      }
      BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
      try (WalArchiver archiver = repo.walArchiver().source(pg.jdbcUrl("postgres"), pg.user(), pg.password())
          .slot("lp_index").createSlot().start(); Connection c = pg.connect("shop")) {
        Backup older = repo.backup().physical(pg).run();
        c.createStatement().execute("CREATE TABLE ticks (id int PRIMARY KEY)");
        insert(c, 1, 3);
        Backup newer = repo.backup().physical(pg).run();
        one(c, "SELECT pg_switch_wal()::text"); // what follows gets a segment of its own

        Instant t0 = Instant.now();
        insert(c, 10, 14);
        c.setAutoCommit(false);
        c.createStatement().execute("INSERT INTO ticks VALUES (99)");
        c.rollback();
        c.setAutoCommit(true);
        String point = one(c, "SELECT pg_create_restore_point('before-deploy')::text");
        insert(c, 15, 18);
        Instant t1 = Instant.now();
        String switched = one(c, "SELECT pg_switch_wal()::text");
        String segment = one(c, "SELECT pg_walfile_name('" + switched + "')");
        Path pushed = Files.copy(pg.dataDirectory().resolve("pg_wal").resolve(segment), tmp.resolve(segment));
        archiver.awaitArchived(switched, Duration.ofSeconds(60));

        WalArchiveSummary summary = repo.walArchive().get(0);
        Path manifest = tmp.resolve("repo/wal/" + summary.systemIdentifier() + "/segments/" + segment + ".json");
        JsonNode index = JSON.readTree(Files.readAllBytes(manifest)).get("entry").get("index");
        assertThat(index.get("commits").asLong()).isEqualTo(9);
        assertThat(index.get("aborts").asLong()).isEqualTo(1);
        assertThat(index.get("incomplete").isNull()).as(index.toString()).isTrue();
        assertThat(index.get("restorePoints")).hasSize(1);
        assertThat(index.get("restorePoints").get(0).get("name").asText()).isEqualTo("before-deploy");
        assertThat(index.get("restorePoints").get(0).get("lsn").asText()).isEqualTo(point);
        Instant first = Instant.parse(index.get("firstCommit").asText());
        Instant last = Instant.parse(index.get("lastCommit").asText());
        assertThat(first).isAfterOrEqualTo(t0.minusMillis(1)).isBeforeOrEqualTo(last);
        assertThat(last).isBeforeOrEqualTo(t1.plusMillis(1));
        assertThat(summary.restorePoints()).singleElement().satisfies(r -> {
          assertThat(r.name()).isEqualTo("before-deploy");
          assertThat(r.lsn()).isEqualTo(point);
          assertThat(r.segment()).isEqualTo(segment);
          assertThat(r.createdAt()).isBetween(first, last);
        });
        assertThat(summary.lastCommit()).isEqualTo(last);
        assertThat(summary.unindexedSegments()).isZero();

        theSameSegmentPushedByArchiveCommandHasTheSameIndex(pushed, index);
        theDecoderReportsWhatItCannotReadAndNeverThrows(Files.readAllBytes(pushed));

        RecoveryPlan plan = repo.recover(RecoveryTarget.restorePoint("before-deploy")).plan();
        assertThat(plan.backupId()).isEqualTo(newer.id()).isNotEqualTo(older.id());
        assertThat(plan.reason()).contains("newest physical backup", "'before-deploy'", point, segment);
        try (RecoveredServer at = repo.recover(RecoveryTarget.restorePoint("before-deploy")).asServer();
            Connection r = at.server().connect("shop")) {
          assertThat(ids(r)).isEqualTo(List.of(1, 2, 3, 10, 11, 12, 13, 14));
        }

        assertThatThrownBy(() -> repo.recover(RecoveryTarget.restorePoint("after-deploy")).plan())
            .isInstanceOf(BackupException.class)
            .hasMessageContaining("no restore point named 'after-deploy'")
            .hasMessageContaining("'before-deploy' (" + summary.restorePoints().get(0).createdAt() + ", " + point + ")")
            .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));

        Instant afterLast = last.plusMillis(Duration.between(last, summary.lastArchivedAt()).toMillis() / 2);
        assertThatThrownBy(() -> repo.recover(RecoveryTarget.time(afterLast)).plan())
            .isInstanceOf(BackupException.class)
            .hasMessageContaining("the last transaction in the archived WAL of server " + summary.systemIdentifier()
                + " committed at " + last)
            .hasMessageContaining("--latest");

        LossEstimate loss = repo.recover(RecoveryTarget.restorePoint("before-deploy")).lossEstimate(c);
        assertThat(loss.archivedCommitsAfter()).isEqualTo(4);
        assertThat(loss.rowsInserted()).isEqualTo(4);
        assertThat(loss.describe()).contains("the archived WAL holds 4 transactions committed after the target"
            + " (on the whole server, as far as it is archived)");

        BackupTimeline timeline = repo.timeline();
        assertThat(timeline.events()).filteredOn(e -> e.kind() == BackupTimeline.Kind.RESTORE_POINT).singleElement()
            .satisfies(e -> {
              assertThat(e.label()).isEqualTo("before-deploy");
              assertThat(e.lsn()).isEqualTo(point);
            });
        assertThat(timeline.describe().get(0)).contains("restore point 'before-deploy' at ");

        anEntryWithoutTheIndexStillReads(repo, manifest, older, segment);
      }
    }
  }

  private void theSameSegmentPushedByArchiveCommandHasTheSameIndex(Path segment, JsonNode streamed) throws Exception {
    BackupRepository other = BackupRepository.at(tmp.resolve("pushed")).unencrypted().open();
    assertThat(other.pushWal(segment)).isTrue();
    WalArchiveSummary s = other.walArchive().get(0);
    JsonNode index = JSON.readTree(Files.readAllBytes(tmp.resolve("pushed/wal/" + s.systemIdentifier() + "/segments/"
        + segment.getFileName() + ".json"))).get("entry").get("index");
    assertThat(index).isEqualTo(streamed);
  }

  private static void theDecoderReportsWhatItCannotReadAndNeverThrows(byte[] segment) {
    WalIndex whole = WalRecords.index(segment, segment.length);
    assertThat(whole.commits()).isEqualTo(9);
    assertThat(whole.complete()).isTrue();

    // a flipped bit inside the third commit's record: the index stops before it and says so
    List<Long> ends = new ArrayList<>();
    WalRecords.index(segment, segment.length, (lsn, at) -> ends.add(lsn));
    long segStart = java.nio.ByteBuffer.wrap(segment).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
    byte[] damaged = segment.clone();
    int at = (int) (ends.get(2) - segStart) - 9;
    if (at % 8192 < 24) {
      at -= 24; // not the page header of a page the record continues on: the record's own bytes before it
    }
    damaged[at] ^= 0x10;
    WalIndex partial = WalRecords.index(damaged, damaged.length);
    assertThat(partial.complete()).isFalse();
    assertThat(partial.incomplete()).contains("fails its CRC");
    assertThat(partial.commits()).isEqualTo(2);

    byte[] noise = new byte[segment.length];
    new Random(13).nextBytes(noise);
    assertThat(WalRecords.index(noise, noise.length).incomplete()).isNotNull();
    byte[] header = segment.clone();
    new Random(14).nextBytes(noise);
    System.arraycopy(noise, 0, header, 40, header.length - 40);
    assertThat(WalRecords.index(header, header.length).complete()).isFalse();
    assertThat(WalRecords.index(segment, 30).incomplete()).contains("long page header");
  }

  private static void anEntryWithoutTheIndexStillReads(BackupRepository repo, Path manifest, Backup older, String segment)
      throws Exception {
    // exactly what an entry written before the index looks like: no "index" key, its checksum over the rest
    ObjectNode envelope = (ObjectNode) JSON.readTree(Files.readAllBytes(manifest));
    ObjectNode entry = (ObjectNode) envelope.get("entry");
    entry.remove("index");
    envelope.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(JSON.writeValueAsString(entry).getBytes(StandardCharsets.UTF_8))));
    assertThat(entry.get("formatVersion").asInt()).isEqualTo(1);
    Files.write(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(envelope));

    WalArchiveSummary summary = repo.walArchive().get(0);
    assertThat(summary.unindexedSegments()).isEqualTo(1);
    assertThat(summary.restorePoints()).isEmpty();
    assertThat(summary.lastCommit()).as("a later segment may hold a later commit").isNull();
    RecoveryPlan plan = repo.recover(RecoveryTarget.restorePoint("before-deploy")).plan();
    assertThat(plan.backupId()).isEqualTo(older.id());
    assertThat(plan.reason()).contains("not indexed", segment, "oldest physical backup");
    assertThat(repo.timeline().notes()).anyMatch(n -> n.contains("1 archived WAL segments") && n.contains("not indexed"));
  }
}
