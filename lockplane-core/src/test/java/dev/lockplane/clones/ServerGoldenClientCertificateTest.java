package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.postgres.ClientTools;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.Requirements;
import dev.lockplane.testing.SharedPostgres;
import dev.lockplane.testing.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A logical golden from a server whose role logs in by client certificate only ({@code cert} in
 * {@code pg_hba.conf}, no password): the JDBC connection that exports the snapshot and pg_dump
 * (libpq) both present the certificate named in the URL, whatever form its key is in. A server of
 * its own, so that the shared production server keeps its settings.
 */
class ServerGoldenClientCertificateTest {
  private static final String ROLE = "cert_reader";
  private static final String SUM = "SELECT count(*) || ':' || md5(string_agg(id || '/' || note, ',' ORDER BY id)) FROM notes";
  @TempDir static Path dir;
  static LocalPostgres source;
  static TlsFiles files;

  @BeforeAll
  static void start() throws Exception {
    Requirements.require(ClientTools.find("pg_dump", 15, null).isPresent(),
        "needs pg_dump 15 (apt-get install postgresql-client-15)");
    files = TlsFiles.make(dir.resolve("tls"));
    Path extra = Path.of(System.getProperty("lockplane.test.extraBinaries", "target/postgres-binaries"));
    source = LocalPostgres.builder().version(15).binariesFrom(extra).start();
    try (Connection c = source.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + ROLE + " LOGIN");
      s.execute("CREATE DATABASE shop OWNER " + ROLE);
    }
    try (Connection c = source.connect("shop"); Statement s = c.createStatement()) {
      s.execute("SET ROLE " + ROLE);
      s.execute("CREATE TABLE notes (id int PRIMARY KEY, note text NOT NULL)");
      s.execute("INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 300) g");
    }
    Path hba = source.dataDirectory().resolve("pg_hba.conf");
    java.nio.file.attribute.UserPrincipal owner = Files.getOwner(hba);
    Files.writeString(hba, "hostssl all " + ROLE + " 127.0.0.1/32 cert\nhost all " + ROLE + " all reject\n"
        + Files.readString(hba));
    Files.getFileAttributeView(hba, java.nio.file.attribute.PosixFileAttributeView.class).setOwner(owner);
    files.install(source); // reloads the configuration, pg_hba.conf with it
  }

  @AfterAll
  static void stop() {
    if (source != null) {
      source.close();
    }
  }

  private static String url(String params) {
    return "postgres://localhost:" + source.port() + "/shop?sslmode=verify-full&sslrootcert=" + files.ca() + "&" + params;
  }

  private static String sum(javax.sql.DataSource ds) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SUM)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void theCertificateInTheUrlLogsInTheSnapshotAndPgDump() throws Exception {
    String expected;
    try (Connection c = source.connect("shop"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SUM)) {
      rs.next();
      expected = rs.getString(1);
    }
    TlsFiles.Client client = files.client(ROLE, true);
    // an encrypted key: libpq cannot be given its passphrase without showing it, so pg_dump gets a private copy
    String passphrase = "golden-key-3e9d";
    TlsFiles.openssl(client.key().getParent(), "pkcs8", "-topk8", "-in", client.key().toString(), "-v2",
        "aes-256-cbc", "-passout", "pass:" + passphrase, "-out", "golden-enc.key");
    Path encrypted = client.key().resolveSibling("golden-enc.key");
    String prefix = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    String[] forms = {client.params(), "sslcert=" + client.cert() + "&sslkey=" + encrypted + "&sslpassword=" + passphrase};
    for (int i = 0; i < forms.length; i++) {
      String params = forms[i];
      try (CloneManager m = CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix + i)
          .golden(Golden.fromServer(url(params), ROLE, null)).start()) {
        assertThat(m.golden().description()).doesNotContain(passphrase);
        Clone a = m.create("a");
        assertThat(sum(a.dataSource())).as(params).isEqualTo(expected);
      }
    }
    // only this process's private directories held the key's unencrypted copy, and they are gone
    try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith("lockplane-dump-"))
          .filter(p -> Files.exists(p.resolve("client.key")))).isEmpty();
    }
    // a certificate the server does not trust: said so, naming the certificate
    TlsFiles.Client untrusted = files.client(ROLE, false);
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix + "u")
        .golden(Golden.fromServer(url(untrusted.params()), ROLE, null)).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("the client certificate " + untrusted.cert())
        .hasMessageContaining("ssl_ca_file")
        .hasMessageNotContaining(passphrase);
    // a wrong passphrase: refused before anything connects, without the passphrase
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix + "w")
        .golden(Golden.fromServer(url("sslcert=" + client.cert() + "&sslkey=" + encrypted + "&sslpassword=x"
            + passphrase), ROLE, null)).start())
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("wrong passphrase")
        .hasMessageNotContaining(passphrase);
  }
}
