package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup whose JVM is killed with SIGKILL leaves no visible backup and damages nothing else. */
class KilledBackupTest {
  @TempDir Path tmp;

  @Test
  void sigkillMidBackup() throws Exception {
    Path db = tmp.resolve("big.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
      c.setAutoCommit(false);
      Random r = new Random(1);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
        for (int i = 0; i < 400; i++) {
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
    Path keyFile = tmp.resolve("keys.json");
    Keyset keys = Keyset.generate();
    keys.writeTo(keyFile, null);
    Path repoDir = tmp.resolve("repo");
    BackupRepository repo = BackupRepository.at(repoDir).encryptWith(keys).open();
    Backup earlier = repo.backup().sqlite(db).tag("earlier").run();

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
    Process child = new ProcessBuilder(java, "-Djava.io.tmpdir=" + childTmp, "-cp", System.getProperty("java.class.path"),
        BackupChild.class.getName(),
        repoDir.toString(), db.toString(), keyFile.toString()).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      int copying = 0;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("COPYING") && Long.parseLong(line.substring(8)) > 0 && ++copying >= 1) {
          break;
        }
        assertThat(line).doesNotStartWith("DONE");
      }
      assertThat(copying).as("the child reached the copy phase").isGreaterThanOrEqualTo(1);
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no cleanup
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).isEqualTo(137);

    // the plaintext copy of the killed run is in the repository's private staging area, not in the temp directory
    try (Stream<Path> s = Files.list(childTmp)) {
      assertThat(s.filter(p -> p.getFileName().toString().startsWith("lockplane")).toList()).isEmpty();
    }
    List<Path> staged;
    try (Stream<Path> s = Files.list(repoDir.resolve("staging"))) {
      staged = s.toList();
    }
    assertThat(staged).singleElement().satisfies(p -> assertThat(p.resolve("copy.sqlite")).exists());
    repo = BackupRepository.at(repoDir).encryptWith(keys).open();
    assertThat(staged.get(0)).as("the next open removes the dead run's copy").doesNotExist();

    // objects of the killed backup are on disk, but it is not a backup
    List<Path> leftovers;
    try (Stream<Path> s = Files.list(repoDir.resolve("backups"))) {
      leftovers = s.filter(p -> !p.getFileName().toString().equals(earlier.id())).toList();
    }
    assertThat(leftovers).hasSize(1);
    assertThat(leftovers.get(0).resolve("manifest.json")).doesNotExist();
    assertThat(repo.list()).extracting(Backup::id).containsExactly(earlier.id());
    assertThat(repo.verify(earlier.id(), VerifyDepth.DATA).ok()).isTrue();

    // a recent incomplete backup may still be running elsewhere: prune leaves it for an hour
    PruneResult young = repo.prune(Retention.policy().keepLast(5)).run();
    assertThat(young.incomplete()).isEmpty();
    // its lease was refreshed seconds ago: until it expires, the killed backup looks like a running one
    PruneResult leased = repo.prune(Retention.policy().keepLast(5)).incompleteOlderThan(Duration.ZERO).run();
    assertThat(leased.incomplete()).isEmpty();
    assertThat(leftovers.get(0)).exists();
    PruneResult old = repo.prune(Retention.policy().keepLast(5)).incompleteOlderThan(Duration.ZERO)
        .leaseExpiry(Duration.ZERO).run();
    assertThat(old.incomplete()).containsExactly(leftovers.get(0).getFileName().toString());
    assertThat(leftovers.get(0)).doesNotExist();
    assertThat(repo.list()).extracting(Backup::id).containsExactly(earlier.id());
    repo.restore(earlier.id()).toFile(tmp.resolve("restored.db"));
    assertThat(Files.size(tmp.resolve("restored.db"))).isGreaterThan(6_000_000);
  }
}
