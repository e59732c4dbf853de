package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.fs.FileTrees;
import dev.lockplane.postgres.LocalPostgres;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An incremental backup refuses a missing or damaged parent; a broken chain is named; a failed one leaves nothing. */
class IncrementalFailureTest {
  @TempDir Path tmp;
  /** A small cluster of its own: the backups here copy the whole cluster several times. */
  private static LocalPostgres server;

  @BeforeAll
  static void start() {
    server = LocalPostgres.builder().start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void touch(LocalPostgres pg, String db) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("UPDATE accounts SET balance = balance + 1 WHERE id <= 20");
    }
  }

  @Test
  void aMissingOrCorruptParentIsRefusedByName() throws Exception {
    LocalPostgres pg = server;
    TestData.createPostgres(pg, "inc_parent", 200);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    assertThatThrownBy(() -> repo.backup().physical(pg).incremental().run())
        .isInstanceOf(BackupException.class).hasMessageContaining("has no parent").hasMessageContaining("Take a full backup first")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> repo.backup().physical(pg).incrementalFrom("20200101T000000Z-abcdef").run())
        .isInstanceOf(BackupException.class).hasMessageContaining("its parent 20200101T000000Z-abcdef cannot be used")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));

    Backup full = repo.backup().physical(pg).run();
    touch(pg, "inc_parent");
    Backup inc = repo.backup().physical(pg).incremental().run();
    assertThat(inc.parent()).isEqualTo(full.id());
    // this server does not summarize WAL: file level, and the manifest says why block level was not used
    assertThat(repo.manifestJson(inc.id())).contains("\"method\" : \"file\"", "summarize_wal is off");

    // a truncated object of the parent's
    Path object;
    try (Stream<Path> s = Files.list(tmp.resolve("repo/backups/" + full.id() + "/data"))) {
      object = s.sorted().findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
      f.setLength(f.length() - 1);
    }
    assertThatThrownBy(() -> repo.backup().physical(pg).incrementalFrom(full.id()).run())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("its parent " + full.id() + " is not intact")
        .hasMessageContaining(object.getFileName().toString())
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.CORRUPTED));
    // the incremental built on it inherits the damage
    assertThatThrownBy(() -> repo.backup().physical(pg).incremental().run())
        .isInstanceOf(BackupException.class).hasMessageContaining("its parent " + inc.id() + " is not intact");
    assertThat(repo.list()).extracting(Backup::id).containsExactly(full.id(), inc.id());
  }

  /** An encrypted repository with a full backup and an incremental on it, each followed by a write. */
  private record Chain(BackupRepository repo, Backup full, Backup incremental) {}

  private Chain fullAndIncremental(String db) throws Exception {
    TestData.createPostgres(server, db, 200);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    Backup full = repo.backup().physical(server).run();
    touch(server, db);
    Backup incremental = repo.backup().physical(server).incremental().run();
    touch(server, db);
    return new Chain(repo, full, incremental);
  }

  @Test
  void aChainWithAGapIsNamedByRestoreAndVerify() throws Exception {
    LocalPostgres pg = server;
    Chain chain = fullAndIncremental("inc_gap");
    BackupRepository repo = chain.repo();
    Backup full = chain.full();
    Backup middle = chain.incremental();
    Backup last = repo.backup().physical(pg).incremental().run();
    assertThat(repo.verify(last.id(), VerifyDepth.STRUCTURE).problems()).isEmpty();

    // retention never breaks the chain: keeping the last keeps its parents
    PruneResult kept = repo.prune(Retention.policy().keepLast(1)).dryRun();
    assertThat(kept.removed()).isEmpty();

    FileTrees.delete(tmp.resolve("repo/backups/" + middle.id()));
    assertThatThrownBy(() -> repo.restore(last.id()).toDirectory(tmp.resolve("restored")))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("backup " + middle.id() + " (link 1 of 2 in the chain of " + last.id())
        .hasMessageContaining("is missing")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(tmp.resolve("restored")).doesNotExist();
    VerifyReport report = repo.verify(last.id(), VerifyDepth.DATA);
    assertThat(report.ok()).isFalse();
    assertThat(report.problems().get(0).message()).contains("backup " + middle.id(), "is missing");
    // the full backup is untouched and still restores
    assertThat(repo.verify(full.id(), VerifyDepth.DATA).problems()).isEmpty();
  }

  @Test
  void aFailedIncrementalIsInvisibleAndLeavesItsParentIntact() throws Exception {
    LocalPostgres pg = server;
    TestData.createPostgres(pg, "inc_fail", 200);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).partSize(64 * 1024).open();
    Backup full = repo.backup().physical(pg).run();
    touch(pg, "inc_fail");
    ProgressListener dies = p -> {
      if (p.phase() == Progress.Phase.COPYING && p.bytesDone() > 0) {
        throw new IllegalStateException("injected failure mid-copy");
      }
    };
    assertThatThrownBy(() -> repo.backup().physical(pg).incremental().progress(dies).run())
        .isInstanceOf(LockplaneException.class);
    assertThat(repo.list()).extracting(Backup::id).containsExactly(full.id());
    List<Path> dirs;
    try (Stream<Path> s = Files.list(tmp.resolve("repo/backups"))) {
      dirs = s.filter(p -> !p.getFileName().toString().equals(full.id())).toList();
    }
    for (Path d : dirs) {
      assertThat(d.resolve("manifest.json")).doesNotExist();
      assertThat(d.resolve("data")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }
    assertThat(repo.verify(full.id(), VerifyDepth.DATA).problems()).isEmpty();
    Backup next = repo.backup().physical(pg).incremental().run();
    assertThat(next.parent()).isEqualTo(full.id());
  }

  @Test
  void aLinkRemovedWhileAnIncrementalRunsFailsItByName() throws Exception {
    Chain chain = fullAndIncremental("inc_pruned");
    BackupRepository repo = chain.repo();
    Backup middle = chain.incremental();
    // what a backup returns is what the repository shows of it afterwards
    assertThat(repo.show(chain.full().id())).isEqualTo(chain.full());
    assertThat(repo.show(middle.id())).isEqualTo(middle);
    // the middle link's manifest goes while the next incremental copies (as a prune removes it
    // first); its objects stay, so only the chain check at the end can tell
    Path gone = tmp.resolve("repo/backups/" + middle.id() + "/manifest.json");
    ProgressListener prunes = p -> {
      if (p.phase() == Progress.Phase.COPYING) {
        try {
          Files.deleteIfExists(gone);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    assertThatThrownBy(() -> repo.backup().physical(server).incrementalFrom(middle.id()).progress(prunes).run())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("was not completed: backup " + middle.id() + " (link 1 of 2 in its chain) is missing")
        .hasMessageContaining("removed while this backup ran")
        .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(repo.list()).extracting(Backup::id).containsExactly(chain.full().id());
    try (Stream<Path> s = Files.list(tmp.resolve("repo/backups"))) {
      for (Path d : s.filter(p -> !p.getFileName().toString().equals(chain.full().id())
          && !p.getFileName().toString().equals(middle.id())).toList()) {
        assertThat(d.resolve("manifest.json")).doesNotExist();
        assertThat(d.resolve("data")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
      }
    }
    // the full backup still restores, and a new incremental builds on it
    assertThat(repo.verify(chain.full().id(), VerifyDepth.DATA).problems()).isEmpty();
    assertThat(repo.backup().physical(server).incremental().run().parent()).isEqualTo(chain.full().id());
  }

  @Test
  void theLatestParentIsFoundByReadingTheNewestManifestsOnly() throws Exception {
    TestData.createPostgres(server, "inc_latest", 200);
    ObjectCheckTest.Observed storage = new ObjectCheckTest.Observed(tmp.resolve("repo"));
    BackupRepository repo = BackupRepository.on(storage).encryptWith(Keyset.generate()).open();
    Path sqlite = tmp.resolve("app.db");
    TestData.createSqlite(sqlite, 100);
    Backup older = repo.backup().physical(server).run();
    for (int i = 0; i < 3; i++) {
      repo.backup().sqlite(sqlite).run();
    }
    // ids tell the start second: backups of one second are put in order by reading their manifests
    Thread.sleep(1100);
    Backup latest = repo.backup().physical(server).run();
    Thread.sleep(1100);
    repo.backup().sqlite(sqlite).run();
    touch(server, "inc_latest");
    storage.manifestsRead.set(0);
    Backup inc = repo.backup().physical(server).incremental().run();
    assertThat(inc.parent()).isEqualTo(latest.id()).isNotEqualTo(older.id());
    // the newest (a SQLite backup) and the parent, where every one of the six was read before
    assertThat(storage.manifestsRead).hasValue(2);
    assertThat(repo.list()).hasSize(7);
  }

  @Test
  void theRequestRejectsConflictingSettings() {
    LocalPostgres pg = server;
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).unencrypted().open();
    assertThatThrownBy(() -> repo.backup().physical(pg).incremental().incrementalFrom("x"))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("already made incremental (on the latest physical backup)");
    assertThatThrownBy(() -> repo.backup().physical(pg).incremental().incremental())
        .isInstanceOf(LockplaneException.class).hasMessageContaining("set it once");
    assertThatThrownBy(() -> repo.backup().logical(pg, "postgres").incremental().run())
        .isInstanceOf(LockplaneException.class).hasMessageContaining("cannot be incremental")
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED));
  }
}
