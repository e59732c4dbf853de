package dev.lockplane.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.testing.TlsFiles;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication connection Lockplane speaks itself, against a real PostgreSQL 18: SCRAM-SHA-256,
 * MD5 and cleartext password authentication (each forced by a pg_hba.conf line), TLS as libpq's
 * {@code sslmode} and {@code sslrootcert} ask (a test authority's certificate made with openssl:
 * {@code verify-ca} checks the chain, {@code verify-full} the host name too), and the errors for a
 * wrong password, an untrusted or misnamed certificate and a server without TLS. No password in any
 * message.
 */
class PgWireTest {
  private static final String SECRET = "wire-secret-5c1d";
  static LocalPostgres pg;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    pg = LocalPostgres.builder().version(18).start();
    Path data = pg.dataDirectory();
    UserPrincipal owner = Files.getOwner(data);
    // md5 and cleartext password logins for two roles; everything else as initdb set it (scram-sha-256)
    Path hba = data.resolve("pg_hba.conf");
    String lines = "host replication wire_md5 127.0.0.1/32 md5\nhost replication wire_plain 127.0.0.1/32 password\n";
    Files.writeString(hba, lines + Files.readString(hba));
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE wire_scram LOGIN REPLICATION PASSWORD '" + SECRET + "'");
      s.execute("CREATE ROLE wire_plain LOGIN REPLICATION PASSWORD '" + SECRET + "'");
      s.execute("SET password_encryption = 'md5'");
      s.execute("CREATE ROLE wire_md5 LOGIN REPLICATION PASSWORD '" + SECRET + "'");
      s.execute("SELECT pg_reload_conf()");
    }
    Files.getFileAttributeView(hba, java.nio.file.attribute.PosixFileAttributeView.class).setOwner(owner);
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void everyPasswordMethodAuthenticates() throws Exception {
    for (String role : List.of("wire_scram", "wire_md5", "wire_plain")) {
      try (PgWire w = PgWire.connect("127.0.0.1", pg.port(), role, SECRET, PgTls.of(PgWire.SslMode.DISABLE), "lockplane-wire-test")) {
        List<List<String>> rows = w.query("IDENTIFY_SYSTEM");
        assertThat(rows).as(role).hasSize(1);
        assertThat(rows.get(0).get(0)).as(role).matches("[0-9]+");
        assertThat(w.parameter("server_version")).as(role).startsWith("18.");
      }
    }
  }

  @Test
  void aWrongPasswordIsTheServersErrorWithoutThePassword() {
    for (String role : List.of("wire_scram", "wire_md5", "wire_plain")) {
      assertThatThrownBy(() -> PgWire.connect("127.0.0.1", pg.port(), role, "wrong-" + SECRET, PgTls.of(PgWire.SslMode.DISABLE), "t"))
          .as(role).isInstanceOf(PgWire.ServerError.class)
          .hasMessageContaining("password authentication failed for user \"" + role + "\"")
          .hasMessageNotContaining(SECRET);
    }
    assertThatThrownBy(() -> PgWire.connect("127.0.0.1", pg.port(), "wire_scram", null, PgTls.of(PgWire.SslMode.DISABLE), "t"))
        .hasMessageContaining("asks for a password and none was given");
  }

  @Test
  void aServerErrorLeavesTheConnectionUsable() throws Exception {
    try (PgWire w = PgWire.connect("127.0.0.1", pg.port(), "wire_scram", SECRET, PgTls.of(PgWire.SslMode.DISABLE), "t")) {
      assertThatThrownBy(() -> w.query("SHOW no_such_setting")).isInstanceOf(PgWire.ServerError.class)
          .hasMessageContaining("no_such_setting").satisfies(e -> assertThat(((PgWire.ServerError) e).sqlState()).isEqualTo("42704"));
      assertThat(w.query("SHOW block_size")).containsExactly(List.of("8192"));
    }
  }

  @Test
  void tlsAsSslmodeAsks() throws Exception {
    assertThatThrownBy(() -> PgWire.connect("127.0.0.1", pg.port(), "wire_scram", SECRET, PgTls.of(PgWire.SslMode.REQUIRE), "t"))
        .hasMessageContaining("does not accept TLS, and sslmode is require");
    try (PgWire w = PgWire.connect("127.0.0.1", pg.port(), "wire_scram", SECRET, PgTls.of(PgWire.SslMode.PREFER), "t")) {
      assertThat(w.query("SHOW block_size")).hasSize(1);
    }
    TlsFiles files = TlsFiles.make(tmp.resolve("tls"));
    files.install(pg);
    try {
      for (PgWire.SslMode mode : List.of(PgWire.SslMode.REQUIRE, PgWire.SslMode.PREFER)) {
        String app = "lockplane-tls-" + mode.name().toLowerCase();
        try (PgWire w = connectWhenReloaded(mode, app); Connection c = pg.connect("postgres"); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)"
                + " WHERE a.application_name = '" + app + "'")) {
          assertThat(rs.next()).as(mode.name()).isTrue();
          assertThat(rs.getBoolean(1)).as("%s encrypts", mode).isTrue();
          assertThat(w.query("SHOW block_size")).hasSize(1);
        }
      }
      // the test authority is not in the JVM's trust store
      assertThatThrownBy(() -> PgWire.connect("localhost", pg.port(), "wire_scram", SECRET, PgTls.of(PgWire.SslMode.VERIFY_FULL), "t"))
          .hasMessageContaining("was refused").hasMessageContaining("the JVM's trust store").hasMessageNotContaining(SECRET);
      String ca = files.ca().toString();
      // trusting it: verify-full needs the name the certificate holds (localhost), verify-ca does not
      for (String host : List.of("localhost", "127.0.0.1")) {
        try (PgWire w = PgWire.connect(host, pg.port(), "wire_scram", SECRET, new PgTls(PgWire.SslMode.VERIFY_CA, ca), "t")) {
          assertThat(w.query("SHOW block_size")).hasSize(1);
        }
      }
      try (PgWire w = PgWire.connect("localhost", pg.port(), "wire_scram", SECRET, new PgTls(PgWire.SslMode.VERIFY_FULL, ca), "t")) {
        assertThat(w.query("SHOW block_size")).hasSize(1);
      }
      assertThatThrownBy(() -> PgWire.connect("127.0.0.1", pg.port(), "wire_scram", SECRET,
          new PgTls(PgWire.SslMode.VERIFY_FULL, ca), "t"))
          .hasMessageContaining("was refused").hasMessageContaining("must also name the host").hasMessageNotContaining(SECRET);
      // another authority signed nothing the server shows
      for (PgWire.SslMode mode : List.of(PgWire.SslMode.VERIFY_CA, PgWire.SslMode.VERIFY_FULL)) {
        assertThatThrownBy(() -> PgWire.connect("localhost", pg.port(), "wire_scram", SECRET,
            new PgTls(mode, files.otherCa().toString()), "t"))
            .hasMessageContaining("was refused").hasMessageContaining(files.otherCa().toString()).hasMessageNotContaining(SECRET);
      }
    } finally {
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("ALTER SYSTEM RESET ssl");
        s.execute("SELECT pg_reload_conf()");
      }
    }
  }

  /** Connects once the server's reloaded configuration offers TLS (a reload is asynchronous). */
  private static PgWire connectWhenReloaded(PgWire.SslMode mode, String app) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        return PgWire.connect("127.0.0.1", pg.port(), "wire_scram", SECRET, PgTls.of(mode), app);
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline || !e.getMessage().contains("does not accept TLS")) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void aDeadServerIsFoundByKeepalivesInMinutesNotHours() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", pg.port())) {
      WireSocket.keepAlive(s);
      assertThat(s.getKeepAlive()).isTrue();
      java.util.Map<String, Object> set = new java.util.HashMap<>();
      for (java.net.SocketOption<?> o : s.supportedOptions()) {
        if (o.name().startsWith("TCP_KEEP")) {
          set.put(o.name(), s.getOption(o));
        }
      }
      // Linux has all three
      assertThat(set).containsEntry("TCP_KEEPIDLE", 60).containsEntry("TCP_KEEPINTERVAL", 10)
          .containsEntry("TCP_KEEPCOUNT", 6);
    }
  }

  @Test
  void sslmodeNamesAreLibpqs() {
    assertThat(PgWire.SslMode.of(null)).isEqualTo(PgWire.SslMode.PREFER);
    assertThat(PgWire.SslMode.of("allow")).isEqualTo(PgWire.SslMode.PREFER);
    assertThat(PgWire.SslMode.of("verify-ca")).isEqualTo(PgWire.SslMode.VERIFY_CA);
    assertThat(PgWire.SslMode.of("verify-full")).isEqualTo(PgWire.SslMode.VERIFY_FULL);
    assertThat(PgWire.SslMode.of("DISABLE")).isEqualTo(PgWire.SslMode.DISABLE);
    assertThatThrownBy(() -> PgWire.SslMode.of("sometimes")).hasMessageContaining("'sometimes' is not one of");
  }
}
