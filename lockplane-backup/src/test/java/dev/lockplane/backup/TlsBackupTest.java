package dev.lockplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup over the network of a server that accepts its role only over TLS: every connection the
 * backup opens (the JDBC driver's for the system identifier and the tables, and Lockplane's own
 * replication connection for the files) uses the URL's {@code sslmode} and {@code sslrootcert},
 * so a verifying mode checks the certificate before any password is sent. The server's
 * certificate, from a test authority, names {@code localhost} only.
 */
class TlsBackupTest {
  private static final String PASSWORD = "tls-pass-91c2e";
  static LocalPostgres pg;
  static TlsFiles files;
  @TempDir static Path shared;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    files = TlsFiles.make(shared.resolve("tls"));
    pg = LocalPostgres.builder().version(18).start();
    TestData.createPostgres(pg, "tls_app", 200);
    Path hba = pg.dataDirectory().resolve("pg_hba.conf");
    java.nio.file.attribute.UserPrincipal owner = Files.getOwner(hba);
    // the backup role gets in over TLS only, for replication and for reading the tables
    Files.writeString(hba, "hostssl all backup_tls 127.0.0.1/32 scram-sha-256\n"
        + "hostssl replication backup_tls 127.0.0.1/32 scram-sha-256\n"
        + "host all backup_tls all reject\nhost replication backup_tls all reject\n"
        // and one with no password at all: its client certificate is its login, for both kinds of connection
        + "hostssl all backup_cert 127.0.0.1/32 cert\nhostssl replication backup_cert 127.0.0.1/32 cert\n"
        + "host all backup_cert all reject\nhost replication backup_cert all reject\n" + Files.readString(hba));
    Files.getFileAttributeView(hba, java.nio.file.attribute.PosixFileAttributeView.class).setOwner(owner);
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE backup_tls LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
      s.execute("GRANT pg_read_all_data TO backup_tls");
      s.execute("CREATE ROLE backup_cert LOGIN REPLICATION");
      s.execute("GRANT pg_read_all_data TO backup_cert");
    }
    files.install(pg);
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private static String url(String host, String params) {
    return "postgres://" + host + ":" + pg.port() + "/postgres?" + params;
  }

  @Test
  void aVerifiedBackupOverTlsRestoresToTheSameContent() throws Exception {
    Map<String, String> before;
    try (Connection c = pg.connect("tls_app")) {
      before = TestData.fingerprints(c);
    }
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    Backup b = repo.backup().physical(url("localhost", "sslmode=verify-full&sslrootcert=" + files.ca()), "backup_tls",
        PASSWORD).run();
    // the databases and their tables come from JDBC connections of the same role: over TLS too
    assertThat(b.databases()).contains("tls_app");
    assertThat(repo.manifestJson(b.id())).contains("\"method\" : \"BASE_BACKUP\"").doesNotContain(PASSWORD);
    try (RestoredServer restored = repo.restore(b.id()).asServer();
        Connection c = restored.server().connect("tls_app")) {
      assertThat(TestData.fingerprints(c)).isEqualTo(before);
    }

    // verify-ca checks the authority and not the name: 127.0.0.1 passes, as it does not for verify-full
    Backup byAddress = repo.backup().physical(url("127.0.0.1", "sslmode=verify-ca&sslrootcert=" + files.ca()),
        "backup_tls", PASSWORD).run();
    assertThat(byAddress.databases()).contains("tls_app");
    assertThat(repo.verify(byAddress.id(), VerifyDepth.DATA).problems()).isEmpty();
  }

  @Test
  void withoutARootCertificateFileTheJvmTrustStoreDecides() throws Exception {
    Path trust = tmp.resolve("trust.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-importcert", "-noprompt", "-alias", "test-ca", "-file", files.ca().toString(), "-keystore", trust.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true).start();
    String said = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(said).isZero();
    // no sslrootcert and no ~/.postgresql/root.crt, then sslrootcert=system: both trust the JVM's store
    Path home = Files.createDirectories(tmp.resolve("home"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djavax.net.ssl.trustStore=" + trust, "-Djavax.net.ssl.trustStorePassword=changeit", "-Duser.home=" + home,
        "-cp", System.getProperty("java.class.path"), TlsChild.class.getName(), tmp.resolve("repo").toString(),
        "backup_tls", url("localhost", "sslmode=verify-full"), url("localhost", "sslmode=verify-full&sslrootcert=system"))
        .redirectErrorStream(true);
    pb.environment().put("BACKUP_PASSWORD", PASSWORD);
    Process child = pb.start();
    String out = new String(child.getInputStream().readAllBytes());
    assertThat(child.waitFor()).as(out).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("BACKUP ")).toList()).as(out).hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("tls_app"));
    assertThat(out).doesNotContain(PASSWORD);
  }

  @Test
  void anUntrustedOrMisnamedCertificateStopsTheBackupBeforeItStarts() {
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    for (String url : new String[] {
        url("localhost", "sslmode=verify-full&sslrootcert=" + files.otherCa()),
        url("localhost", "sslmode=verify-ca&sslrootcert=" + files.otherCa()),
        url("127.0.0.1", "sslmode=verify-full&sslrootcert=" + files.ca())}) {
      assertThatThrownBy(() -> repo.backup().physical(url, "backup_tls", PASSWORD).run())
          .as(url)
          .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_ERROR))
          .hasMessageContaining("Nothing was backed up")
          .hasMessageNotContaining(PASSWORD);
    }
    assertThat(repo.list()).isEmpty();
  }

  @Test
  void tlsSettingsThatCannotWorkAreRefusedWithWhatToDo() {
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    Path missing = tmp.resolve("no-such-ca.crt");
    assertThatThrownBy(() -> repo.backup().physical(url("localhost", "sslmode=verify-full&sslrootcert=" + missing),
        "backup_tls", PASSWORD).run())
        .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining(missing.toString()).hasMessageContaining("sslrootcert=system");
    assertThatThrownBy(() -> repo.backup().physical(url("localhost", "sslmode=verify-full&sslcert=/tmp/client.crt"),
        "backup_tls", PASSWORD).run())
        .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("sslcert=/tmp/client.crt but no sslkey");
    // and the server refuses a connection without TLS for this role, so the backups above went over TLS
    assertThatThrownBy(() -> repo.backup().physical(url("127.0.0.1", "sslmode=disable"), "backup_tls", PASSWORD).run())
        .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_ERROR))
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void aClientCertificateIsTheLoginOfEveryConnection() throws Exception {
    Map<String, String> before;
    try (Connection c = pg.connect("tls_app")) {
      before = TestData.fingerprints(c);
    }
    TlsFiles.Client client = files.client("backup_cert", true);
    BackupRepository repo = BackupRepository.at(tmp.resolve("repo")).encryptWith(Keyset.generate()).open();
    // no password: the replication connection and the JDBC driver's both log in by the certificate
    String verified = "sslmode=verify-full&sslrootcert=" + files.ca() + "&";
    Backup b = repo.backup().physical(url("localhost", verified + client.params()), "backup_cert", null).run();
    assertThat(b.databases()).contains("tls_app");
    try (RestoredServer restored = repo.restore(b.id()).asServer();
        Connection c = restored.server().connect("tls_app")) {
      assertThat(TestData.fingerprints(c)).isEqualTo(before);
    }

    // the same key as the JDBC driver's PKCS #12, with a passphrase, which never shows
    String passphrase = "p12-pass-0c4e1";
    TlsFiles.openssl(client.cert().getParent(), "pkcs12", "-export", "-in", client.cert().toString(), "-inkey",
        client.key().toString(), "-passout", "pass:" + passphrase, "-out", "backup_cert.p12");
    Path p12 = client.cert().resolveSibling("backup_cert.p12");
    Backup fromP12 = repo.backup().physical(url("localhost", verified + "sslkey=" + p12 + "&sslpassword=" + passphrase),
        "backup_cert", null).run();
    assertThat(fromP12.databases()).contains("tls_app");
    assertThat(repo.manifestJson(fromP12.id())).doesNotContain(passphrase);
    assertThat(repo.verify(fromP12.id(), VerifyDepth.DATA).problems()).isEmpty();

    // a certificate of an authority the server does not trust is refused by the server, and said so
    TlsFiles.Client untrusted = files.client("backup_cert", false);
    assertThatThrownBy(() -> repo.backup().physical(url("localhost", verified + untrusted.params()), "backup_cert", null)
        .run())
        .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_ERROR))
        .hasMessageContaining("the client certificate " + untrusted.cert())
        .hasMessageContaining("ssl_ca_file")
        .hasMessageContaining("Nothing was backed up");
    // a key that is not the certificate's, or a wrong passphrase: refused before anything connects
    assertThatThrownBy(() -> repo.backup().physical(url("localhost", verified + "sslcert=" + client.cert() + "&sslkey="
        + untrusted.key()), "backup_cert", null).run())
        .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("does not belong to the certificate");
    assertThatThrownBy(() -> repo.backup().physical(url("localhost", verified + "sslkey=" + p12 + "&sslpassword=not-"
        + passphrase), "backup_cert", null).run())
        .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("passphrase")
        .hasMessageNotContaining(passphrase);
    assertThat(repo.list()).extracting(Backup::id).containsExactlyInAnyOrder(b.id(), fromP12.id());

    // without sslcert and sslkey, libpq's default files in ~/.postgresql are used, as libpq uses them
    Path home = Files.createDirectories(tmp.resolve("home/.postgresql")).getParent();
    Files.copy(client.cert(), home.resolve(".postgresql/postgresql.crt"));
    Files.copy(client.key(), home.resolve(".postgresql/postgresql.key"));
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"), TlsChild.class.getName(),
        tmp.resolve("child-repo").toString(), "backup_cert", url("localhost", verified.substring(0, verified.length() - 1)))
        .redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes());
    assertThat(child.waitFor()).as(out).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("BACKUP ")).toList()).as(out).singleElement()
        .satisfies(l -> assertThat(l).contains("tls_app"));
  }
}
