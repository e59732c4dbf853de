package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running backup holds a lease that prune respects, and never publishes a manifest over missing objects. */
class LeaseTest {
  @TempDir Path tmp;

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static List<String> leases(Path repoDir) throws Exception {
    return files(repoDir.resolve("backups")).stream().map(p -> repoDir.relativize(p).toString())
        .filter(k -> k.contains("/lease/")).toList();
  }

  /** An SQLite database of incompressible rows, so the backup writes many parts. */
  static void blobs(Path db, int rows) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
      c.setAutoCommit(false);
      java.util.Random r = new java.util.Random(7);
      try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
        for (int i = 0; i < rows; i++) {
          byte[] b = new byte[16 * 1024];
          r.nextBytes(b);
          ps.setInt(1, i);
          ps.setBytes(2, b);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }

  @Test
  void aPruneDuringABackupLeavesItCompleteAndVerifiable() throws Exception {
    Path db = tmp.resolve("app.db");
    blobs(db, 600);
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).encryptWith(Keyset.generate()).partSize(64 * 1024)
        .parallelism(1).open();
    AtomicReference<List<String>> dataWhenHeld = new AtomicReference<>();
    AtomicReference<List<String>> firstLeases = new AtomicReference<>();
    AtomicReference<List<String>> refreshedLeases = new AtomicReference<>();
    AtomicReference<PruneResult> pruned = new AtomicReference<>();
    AtomicReference<Throwable> pruneFailure = new AtomicReference<>();
    CountDownLatch held = new CountDownLatch(1);
    Backup b = repo.backup().sqlite(db).progress(p -> {
      // hold the writer mid-copy, objects already stored, while the lease is refreshed and a prune runs
      if (p.phase() == Progress.Phase.COPYING && p.bytesDone() > 0 && held.getCount() > 0) {
        held.countDown();
        try {
          dataWhenHeld.set(files(repoDir.resolve("backups")).stream().map(f -> repoDir.relativize(f).toString())
              .filter(k -> k.contains("/data/")).toList());
          firstLeases.set(leases(repoDir));
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
          while (leases(repoDir).equals(firstLeases.get()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
          }
          refreshedLeases.set(leases(repoDir));
          // the prune runs in another thread, with the most aggressive setting for incomplete backups
          CompletableFuture.runAsync(() -> pruned.set(repo.prune(Retention.policy().keepLast(5))
              .incompleteOlderThan(Duration.ZERO).run())).exceptionally(e -> {
                pruneFailure.set(e);
                return null;
              }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }).run();

    assertThat(held.getCount()).as("the backup was held open").isZero();
    assertThat(dataWhenHeld.get()).as("objects were stored when prune ran").hasSizeGreaterThanOrEqualTo(3);
    assertThat(pruneFailure.get()).isNull();
    assertThat(firstLeases.get()).singleElement().asString().startsWith("backups/" + b.id() + "/lease/");
    assertThat(refreshedLeases.get()).as("the lease is refreshed while the backup runs").singleElement()
        .isNotEqualTo(firstLeases.get().get(0));
    assertThat(pruned.get().incomplete()).as("prune left the running backup alone").isEmpty();
    assertThat(repo.list()).extracting(Backup::id).containsExactly(b.id());
    VerifyReport r = repo.verify(b.id(), VerifyDepth.DRILL);
    assertThat(r.problems()).isEmpty();
    assertThat(r.objectsChecked()).isEqualTo(b.objects());
    assertThat(leases(repoDir)).as("the lease is removed when the backup ends").isEmpty();
    Path restored = repo.restore(b.id()).toFile(tmp.resolve("r.db"));
    assertThat(restored).hasSameBinaryContentAs(copyOf(db));
  }

  /** A VACUUMed copy, byte for byte what a backup stores. */
  private Path copyOf(Path db) throws Exception {
    Path copy = tmp.resolve("expected.db");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement s = c.createStatement()) {
      s.execute("VACUUM INTO '" + copy + "'");
    }
    return copy;
  }

  @Test
  void anExpiredLeaseNoLongerProtects() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 500);
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).unencrypted().open();
    AtomicReference<PruneResult> fresh = new AtomicReference<>();
    AtomicReference<PruneResult> expired = new AtomicReference<>();
    assertThatThrownBy(() -> repo.backup().sqlite(db).progress(p -> {
      if (p.phase() == Progress.Phase.MANIFEST && fresh.get() == null) {
        fresh.set(repo.prune(Retention.policy().keepLast(1)).incompleteOlderThan(Duration.ZERO).run());
        // a lease that counts as abandoned is no protection: prune removes the objects under the backup
        expired.set(repo.prune(Retention.policy().keepLast(1)).incompleteOlderThan(Duration.ZERO)
            .leaseExpiry(Duration.ZERO).asOf(java.time.Instant.now().plusSeconds(1)).run());
      }
    }).run())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("was not completed")
        .hasMessageContaining("No manifest was written")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CORRUPTED))
        .satisfies(e -> assertThat(((BackupException) e).objectKey()).get().asString().contains("/data/"));
    assertThat(fresh.get().incomplete()).isEmpty();
    assertThat(expired.get().incomplete()).hasSize(1);
    assertThat(repo.list()).isEmpty();
    assertThat(files(repoDir.resolve("backups"))).as("no manifest, no leftovers").isEmpty();
  }

  @Test
  void aBackupWhoseObjectIsDeletedUnderItFailsInsteadOfPublishing() throws Exception {
    Path db = tmp.resolve("app.db");
    TestData.createSqlite(db, 3000);
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).encryptWith(Keyset.generate()).partSize(64 * 1024).open();
    AtomicReference<String> victim = new AtomicReference<>();
    assertThatThrownBy(() -> repo.backup().sqlite(db).progress(p -> {
      if (p.phase() == Progress.Phase.MANIFEST && victim.get() == null) {
        try {
          Path third = files(repoDir.resolve("backups")).stream().filter(f -> f.toString().contains("/data/")).toList().get(2);
          victim.set(repoDir.relativize(third).toString());
          Files.delete(third);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }).run())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is missing from storage")
        .satisfies(e -> assertThat(((BackupException) e).objectKey()).contains(victim.get()));
    assertThat(repo.list()).isEmpty();
    assertThat(files(repoDir.resolve("backups"))).extracting(p -> p.getFileName().toString())
        .doesNotContain("manifest.json", "manifest.copy.json");
  }
}
