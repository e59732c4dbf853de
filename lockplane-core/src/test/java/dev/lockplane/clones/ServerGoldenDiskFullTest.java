package dev.lockplane.clones;

import static dev.lockplane.clones.ProductionServer.READER;
import static dev.lockplane.clones.ProductionServer.READER_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.LoopFilesystem;
import dev.lockplane.testing.SharedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A logical golden whose preparation runs out of disk space — the dump's directory, or the disk
 * the golden's server writes its tables to — fails with {@code DISK_FULL}, names where, and leaves
 * neither a golden database nor a dump directory behind. The full disks are small tmpfs mounts
 * (root needed: skipped without, failed under {@code LOCKPLANE_REQUIRE_COW=1}).
 */
class ServerGoldenDiskFullTest {
  private static final String BUILDER_PASSWORD = "builder-S3cret-pw";
  static ProductionServer prod;

  @BeforeAll
  static void start() throws Exception {
    prod = ProductionServer.get();
  }

  private static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  /** Fills the filesystem of {@code dir} with one file until only about {@code leave} bytes are free. */
  private static void fill(Path dir, long leave) throws IOException {
    long free = Files.getFileStore(dir).getUsableSpace();
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
      for (long written = 0; written + block.length <= free - leave; written += block.length) {
        out.write(block);
      }
    }
    assertThat(Files.getFileStore(dir).getUsableSpace()).isLessThanOrEqualTo(leave + block.length);
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static long databases(String prefix) throws Exception {
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE '" + prefix + "%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aDumpIntoAFullDirectoryFailsAsDiskFullAndLeavesNothing() throws Exception {
    try (LoopFilesystem small = LoopFilesystem.tmpfs(1)) {
      fill(small.path(), 16 * 1024);
      String prefix = "d" + suffix() + "_";
      Golden golden = Golden.fromServer(prod.url("shop"), READER, READER_PASSWORD).dumpDirectory(small.path());
      Throwable t = catchThrowable(() -> CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix)
          .golden(golden).start().close());
      assertThat(t).isInstanceOf(LockplaneException.class)
          .hasMessageContaining("pg_dump of " + prod.url("shop"))
          .hasMessageContaining("ran out of disk space in " + small.path().resolve("lockplane-dump-"))
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("dumpDirectory(dir)")
          .hasMessageNotContaining(READER_PASSWORD);
      assertThat(((LockplaneException) t).code()).isEqualTo(ErrorCode.DISK_FULL);
      assertThat(entries(small.path())).as("what the failed dump left").containsExactly("filler");
      assertThat(databases(prefix)).as("databases left by the failed golden").isZero();
    }
  }

  @Test
  void aRestoreIntoAFullServerFailsAsDiskFullAndLeavesNothing() throws Exception {
    LocalPostgres shared = SharedPostgres.get();
    String id = suffix();
    String role = "builder_" + id;
    String space = "small_" + id;
    List<String> dumps = ProductionServer.dumpDirectories();
    try (LoopFilesystem small = LoopFilesystem.tmpfs(2)) {
      // the golden's tables go to a tablespace on the small disk: the role's default
      Path location = small.path().resolve("tablespace");
      Files.createDirectory(location);
      Files.setOwner(location, Files.getOwner(shared.dataDirectory()));
      Files.setPosixFilePermissions(location, PosixFilePermissions.fromString("rwx------"));
      try (Connection c = shared.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLESPACE " + space + " LOCATION '" + location + "'");
        s.execute("CREATE ROLE " + role + " LOGIN CREATEDB PASSWORD '" + BUILDER_PASSWORD + "'");
        s.execute("GRANT CREATE ON TABLESPACE " + space + " TO " + role);
        s.execute("ALTER ROLE " + role + " SET default_tablespace = " + space);
      }
      try {
        fill(small.path(), 64 * 1024);
        String prefix = "r" + id + "_";
        Throwable t = catchThrowable(() -> CloneManagers.databases(shared.jdbcUrl("postgres"), role, BUILDER_PASSWORD)
            .databasePrefix(prefix).golden(Golden.fromServer(prod.url("shop"), READER, READER_PASSWORD)).start().close());
        assertThat(t).isInstanceOf(LockplaneException.class)
            .hasMessageContaining("pg_restore into the golden being built")
            .hasMessageContaining("ran out of disk space on the golden's server")
            .hasMessageContaining("No space left on device")
            .hasMessageContaining("Nothing of it became a golden")
            .hasMessageNotContaining(READER_PASSWORD).hasMessageNotContaining(BUILDER_PASSWORD);
        assertThat(((LockplaneException) t).code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(databases(prefix)).as("databases left by the failed golden").isZero();
        assertThat(ProductionServer.dumpDirectories()).as("dump directories left").isEqualTo(dumps);
      } finally {
        try (Connection c = shared.connect("postgres"); Statement s = c.createStatement()) {
          s.execute("DROP OWNED BY " + role);
          s.execute("DROP ROLE " + role);
          s.execute("DROP TABLESPACE " + space);
        }
      }
    }
  }
}
