package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.storage.CowStorage;
import dev.lockplane.storage.CowStorages;
import dev.lockplane.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time recovery read straight from a bucket of a real S3-compatible server (s3proxy on the
 * loopback interface): a server with a writer that records when each row was committed is backed up
 * and its WAL archived into the bucket; recovering to two recorded moments yields exactly the rows
 * committed before each, table by table. The two recoveries run at once into instance clones (plain
 * copies) and must restore their shared base backup once: the second waits for the first. Small, but
 * a physical backup is ~1,000 objects, which the test server takes a while to store.
 */
class S3RecoveryTest {
  @RegisterExtension final LogCapture logs = new LogCapture();
  static S3Server s3;
  static LocalPostgres prod;
  static Keyset keys;
  static Backup base;
  /** Each row of the writer: the table, the row id, and the moments just before and just after its commit. */
  static final List<Written> written = new ArrayList<>();

  record Written(String table, int id, Instant before, Instant after) {}

  @BeforeAll
  static void archiveAWriterIntoTheBucket() throws Exception {
    // in memory: a physical backup is ~1,000 objects, which s3proxy's filesystem backend stores slowly
    s3 = S3Server.inMemory("pitr");
    prod = LocalPostgres.builder().setting("wal_level", "replica").setting("max_wal_senders", "4")
        .setting("max_replication_slots", "4").setting("shared_buffers", "16MB").start();
    try (Connection c = prod.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, amount int, note text)");
      s.execute("CREATE TABLE events (id int PRIMARY KEY, kind text)");
    }
    keys = Keyset.generate();
    try (BackupStorage bucket = s3.storage("s3://pitr/prod/")) {
      BackupRepository repo = BackupRepository.on(bucket).encryptWith(keys).open();
      try (WalArchiver archiver = repo.walArchiver().source(prod.jdbcUrl("postgres"), prod.user(), prod.password())
          .slot("lp_s3").createSlot().start()) {
        base = repo.backup().physical(prod).run();
        try (Connection c = prod.connect("postgres"); Statement s = c.createStatement()) {
          for (int i = 1; i <= 30; i++) {
            String table = i % 3 == 0 ? "events" : "orders";
            Instant before = Instant.now();
            s.execute(table.equals("orders") ? "INSERT INTO orders VALUES (" + i + ", " + i * 7 + ", repeat('o', 100))"
                : "INSERT INTO events VALUES (" + i + ", 'k" + i % 4 + "')");
            written.add(new Written(table, i, before, Instant.now()));
            Thread.sleep(30);
            if (i == 15) {
              switchWal();
            }
          }
        }
        archiver.awaitArchived(switchWal(), Duration.ofSeconds(60));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (prod != null) {
        prod.close();
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  private static String switchWal() throws Exception {
    try (Connection c = prod.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("SELECT txid_current()");
      try (ResultSet rs = s.executeQuery("SELECT pg_switch_wal()::text")) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** A moment after the commit of row {@code id} and before the next row's statement began: no commit lies in between. */
  private static Instant after(int id) {
    Instant a = written.get(id - 1).after();
    Instant b = written.get(id).before();
    return a.plus(Duration.between(a, b).dividedBy(2));
  }

  /** Per table, the ids the writer had committed by row {@code id}. */
  private static Map<String, List<Integer>> expected(int id) {
    Map<String, List<Integer>> out = new TreeMap<>(Map.of("events", new ArrayList<>(), "orders", new ArrayList<>()));
    written.stream().filter(w -> w.id() <= id).forEach(w -> out.get(w.table()).add(w.id()));
    return out;
  }

  private static Map<String, List<Integer>> rows(LocalPostgres server) throws Exception {
    Map<String, List<Integer>> out = new TreeMap<>();
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      for (String table : List.of("events", "orders")) {
        List<Integer> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
          while (rs.next()) {
            ids.add(rs.getInt(1));
          }
        }
        out.put(table, ids);
      }
    }
    return out;
  }

  /**
   * Both recoveries read the base backup and the WAL straight from the bucket through a fresh
   * storage client: nothing of the archiving run is reused and no copy of the repository is made.
   */
  @Test
  void recordedMomentsRecoveredFromTheBucketIntoClonesOfOneRestoredBase(@TempDir Path store) throws Exception {
    // the recovered servers run as the server account, which must reach their data in the store
    Posix.chmod(store, "rwx--x--x");
    CowStorage storage = CowStorages.copy(store);
    try (BackupStorage bucket = s3.storage("s3://pitr/prod/")) {
      BackupRepository repo = BackupRepository.on(bucket).encryptWith(keys).open();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<RecoveredInstanceClone> clones = new ArrayList<>();
      try {
        Future<RecoveredInstanceClone> early = pool.submit(() -> {
          go.await();
          RecoveryRequest request = repo.recover(RecoveryTarget.time(after(8)));
          assertThat(request.plan().backupId()).isEqualTo(base.id());
          return request.intoInstanceClone(storage, "early");
        });
        Future<RecoveredInstanceClone> late = pool.submit(() -> {
          go.await();
          return repo.recover(RecoveryTarget.time(after(23))).intoInstanceClone(storage, "late");
        });
        go.countDown();
        clones.add(early.get(5, TimeUnit.MINUTES));
        clones.add(late.get(5, TimeUnit.MINUTES));
        assertThat(logs.records()).filteredOn(r -> String.valueOf(r.getMessage()).startsWith("Restoring backup " + base.id()))
            .as("restores of the base backup").hasSize(1);
        String baseVolume = clones.get(0).baseVolume();
        assertThat(clones.get(1).baseVolume()).isEqualTo(baseVolume);
        assertThat(storage.volumes()).containsExactlyInAnyOrder(baseVolume, "pitr-early", "pitr-late");
        String baseName = baseVolume.substring("pitr-".length());
        assertThatThrownBy(() -> RecoveredInstanceClone.destroy(storage, baseName)).hasMessageContaining("is a restored base");
        assertThatThrownBy(() -> RecoveredInstanceClone.start(storage, baseName)).hasMessageContaining("is a restored base");
        assertThat(rows(clones.get(0).server())).as("rows committed before %s", after(8)).isEqualTo(expected(8));
        assertThat(rows(clones.get(1).server())).as("rows committed before %s", after(23)).isEqualTo(expected(23));
        assertThat(clones.get(0).result().lastTransaction()).isBeforeOrEqualTo(after(8));
        assertThat(clones.get(1).result().lastTransaction()).isBeforeOrEqualTo(after(23));

        // a kept clone outlives its object: started again later, then destroyed with the base nobody uses
        clones.get(0).stopAndKeep();
        clones.get(0).close();
        assertThat(storage.volumes()).contains("pitr-early");
        try (LocalPostgres again = RecoveredInstanceClone.start(storage, "early")) {
          assertThat(rows(again)).isEqualTo(expected(8));
        }
        assertThat(RecoveredInstanceClone.destroy(storage, "early")).containsExactly("pitr-early");
        assertThatThrownBy(() -> RecoveredInstanceClone.destroy(storage, "late")).isInstanceOf(BackupException.class)
            .hasMessageContaining("The server of recovered clone late runs (pid");
        clones.get(1).stopAndKeep();
        assertThat(RecoveredInstanceClone.destroy(storage, "late")).containsExactly("pitr-late", baseVolume);
        assertThat(storage.volumes()).isEmpty();
        assertThat(RecoveredInstanceClone.destroy(storage, "late")).isEmpty();
      } finally {
        pool.shutdownNow();
        clones.forEach(RecoveredInstanceClone::close);
        for (String v : storage.volumes()) {
          storage.destroy(v);
        }
      }
    }
  }
}
