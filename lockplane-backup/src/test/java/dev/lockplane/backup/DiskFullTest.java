package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository on a full filesystem: a precise error, and no partial objects left behind. */
class DiskFullTest {
  @TempDir Path tmp;

  @Test
  void fullFilesystemIsReportedAndPartialObjectsRemoved() throws Exception {
    Requirements.requireRoot();
    Path db = tmp.resolve("random.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
      c.setAutoCommit(false);
      Random r = new Random(7);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
        for (int i = 0; i < 200; i++) {
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
    Path mnt = tmp.resolve("small");
    Files.createDirectories(mnt);
    ProcessRunner.Result mount = ProcessRunner.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()),
        null, Map.of(), Duration.ofSeconds(30));
    Requirements.require(mount.ok(), "cannot mount a tmpfs: " + mount.output());
    try {
      BackupRepository repo = BackupRepository.at(mnt.resolve("repo")).encryptWith(Keyset.generate())
          .partSize(128 * 1024).open();
      assertThatThrownBy(() -> repo.backup().sqlite(db).run())
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("is full")
          .hasMessageContaining(mnt.resolve("repo").toString())
          .hasMessageContaining("partial backup was removed")
          .satisfies(e -> assertThat(((BackupException) e).code()).isEqualTo(ErrorCode.DISK_FULL));
      try (Stream<Path> s = Files.walk(mnt)) {
        assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
      }
      assertThat(repo.list()).isEmpty();
    } finally {
      ProcessRunner.run(List.of("umount", mnt.toString()), null, Map.of(), Duration.ofSeconds(30));
    }
  }
}
