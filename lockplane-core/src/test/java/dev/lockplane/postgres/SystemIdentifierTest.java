package dev.lockplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.postgres.SystemIdentifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every cluster copied from the cached {@code initdb} result gets a system identifier of its own,
 * written into its control file and WAL so that PostgreSQL starts, recovers and restarts with it.
 */
class SystemIdentifierTest {
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 18})
  void twoClustersFromOneTemplateHaveTheirOwnIdentifiers(int version, @TempDir Path tmp) throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    String idA;
    String idB;
    try (LocalPostgres pa = builder(version).dataDirectory(a).start();
        LocalPostgres pb = builder(version).dataDirectory(b).start()) {
      assertThat(pa.majorVersion()).isEqualTo(version);
      idA = identifier(pa);
      idB = identifier(pb);
      assertThat(idA).isNotEqualTo(idB);
      write(pa, 1);
      write(pb, 1);
    }
    // what the control file says is what the server said, and a clean restart keeps it
    assertThat(SystemIdentifier.unsigned(SystemIdentifier.read(a))).isEqualTo(idA);
    assertThat(SystemIdentifier.unsigned(SystemIdentifier.read(b))).isEqualTo(idB);
    try (LocalPostgres pa = builder(version).dataDirectory(a).start()) {
      assertThat(identifier(pa)).isEqualTo(idA);
      assertThat(count(pa)).isEqualTo(1);
      write(pa, 2);
      // a new segment, then a crash: recovery replays WAL from the rewritten first segment on
      try (Connection c = pa.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("SELECT pg_switch_wal()");
      }
      write(pa, 3);
      ProcessHandle.of(pa.pid()).orElseThrow().destroyForcibly();
      ProcessHandle.of(pa.pid()).ifPresent(p -> p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
    }
    try (LocalPostgres pa = builder(version).dataDirectory(a).startTimeout(Duration.ofMinutes(1)).start()) {
      assertThat(identifier(pa)).isEqualTo(idA);
      assertThat(count(pa)).isEqualTo(3);
    }
  }

  @Test
  void aControlFileWithoutAMatchingCrcIsRefusedAndNamed(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("global"));
    Files.createDirectories(data.resolve("pg_wal"));
    byte[] noise = new byte[8192];
    new Random(14).nextBytes(noise);
    Files.write(data.resolve("global/pg_control"), noise);
    assertThatThrownBy(() -> SystemIdentifier.renew(data))
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining(data.resolve("global/pg_control").toString())
        .hasMessageContaining("no CRC-32C matches its contents");
    assertThat(Files.readAllBytes(data.resolve("global/pg_control"))).isEqualTo(noise);
  }

  private static LocalPostgres.Builder builder(int version) {
    LocalPostgres.Builder b = LocalPostgres.builder().version(version).setting("shared_buffers", "16MB");
    if (version != 18) {
      b.binariesFrom(Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries")));
    }
    return b;
  }

  private static String identifier(LocalPostgres pg) throws Exception {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void write(LocalPostgres pg, int n) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS kept (n int PRIMARY KEY)");
      s.execute("INSERT INTO kept VALUES (" + n + ")");
    }
  }

  private static int count(LocalPostgres pg) throws Exception {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
