package dev.lockplane.internal.wire;

import static dev.lockplane.testing.TlsFiles.openssl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.testing.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates and keys in the forms libpq and the JDBC driver take, made by openssl: each is
 * read, its key matches its certificate, and each wrong file or passphrase is refused naming the
 * file and never the passphrase.
 */
class ClientCertificateTest {
  private static final String PASSPHRASE = "key-pass-5d81a";
  @TempDir static Path dir;
  static TlsFiles files;
  static TlsFiles.Client rsa;

  @BeforeAll
  static void make() throws Exception {
    files = TlsFiles.make(dir.resolve("tls"));
    rsa = files.client("app_user", true);
  }

  private static Path file(String name) {
    return files.ca().resolveSibling(name);
  }

  private static Path run(String out, String... args) throws Exception {
    openssl(files.ca().getParent(), args);
    return file(out);
  }

  @Test
  void aRefusalIsRecognizedHoweverTheServerDeliversIt() throws Exception {
    PgTls tls = new PgTls(PgWire.SslMode.VERIFY_FULL, files.ca().toString(),
        ClientCertificate.read(rsa.cert().toString(), rsa.key().toString(), null));
    // TLS 1.3: the alert is read after the handshake
    assertThat(tls.clientCertificateRefused(new java.sql.SQLException("SSL error: Received fatal alert: unknown_ca",
        new javax.net.ssl.SSLHandshakeException("Received fatal alert: unknown_ca"))))
        .hasValueSatisfying(m -> assertThat(m).contains("refused the client certificate " + rsa.cert()));
    // or the server resets the connection while the driver writes its start-up message through TLS,
    // and no SSLException surrounds the reset (the driver's own failure, as a run of TlsBackupTest saw it)
    java.net.SocketException reset = new java.net.SocketException("Connection reset by peer");
    reset.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("sun.nio.ch.NioSocketImpl", "implWrite", "NioSocketImpl.java", 425),
        new StackTraceElement("sun.security.ssl.SSLSocketOutputRecord", "deliver", "SSLSocketOutputRecord.java", 345),
        new StackTraceElement("org.postgresql.core.v3.ConnectionFactoryImpl", "sendStartupPacket", null, 757)});
    assertThat(tls.clientCertificateRefused(new java.sql.SQLException("The connection attempt failed.", reset)))
        .hasValueSatisfying(m -> assertThat(m).contains("closed the connection during the TLS handshake")
            .contains(rsa.cert().toString()).contains("ssl_ca_file"));
    // a reset elsewhere is not taken for a refusal
    java.net.SocketException plain = new java.net.SocketException("Connection reset");
    plain.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("sun.nio.ch.NioSocketImpl", "implRead", "NioSocketImpl.java", 320)});
    assertThat(tls.clientCertificateRefused(new java.sql.SQLException("I/O error", plain))).isEmpty();
    // nor anything when no certificate was given
    assertThat(PgTls.of(PgWire.SslMode.REQUIRE).clientCertificateRefused(
        new java.sql.SQLException("The connection attempt failed.", reset))).isEmpty();
  }

  @Test
  void aPemKeyInEachLayoutIsReadAndMatchesItsCertificate() throws Exception {
    ClientCertificate pkcs8 = ClientCertificate.read(rsa.cert().toString(), rsa.key().toString(), null);
    assertThat(pkcs8.chain()).hasSize(1);
    assertThat(pkcs8.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=app_user");
    assertThat(pkcs8.password()).isEmpty();

    Path pkcs1 = run("pkcs1.key", "pkey", "-in", rsa.key().toString(), "-traditional", "-out", "pkcs1.key");
    assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
    assertThat(ClientCertificate.read(rsa.cert().toString(), pkcs1.toString(), null).chain()).hasSize(1);

    // openssl ecparam writes the curve's parameters before the SEC 1 key
    Path ec = run("ec.key", "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.key");
    assertThat(Files.readString(ec)).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
    Path ecCert = signed("ec", ec);
    assertThat(ClientCertificate.read(ecCert.toString(), ec.toString(), null).chain().get(0).getPublicKey().getAlgorithm())
        .isEqualTo("EC");

    Path ed = run("ed.key", "genpkey", "-algorithm", "ed25519", "-out", "ed.key");
    Path edCert = signed("ed", ed);
    assertThat(ClientCertificate.read(edCert.toString(), ed.toString(), null).chain()).hasSize(1);
  }

  @Test
  void encryptedDerAndPkcs12KeysAreReadWithTheirPassphrase() throws Exception {
    String k = rsa.key().toString();
    Path encPem = run("enc.pem", "pkcs8", "-topk8", "-in", k, "-v2", "aes-256-cbc", "-passout", "pass:" + PASSPHRASE,
        "-out", "enc.pem");
    assertThat(Files.readString(encPem)).contains("BEGIN ENCRYPTED PRIVATE KEY");
    ClientCertificate c = ClientCertificate.read(rsa.cert().toString(), encPem.toString(), PASSPHRASE);
    assertThat(c.password()).contains(PASSPHRASE);

    // the JDBC driver's own format: DER PKCS #8, plain or encrypted
    Path der = run("plain.pk8", "pkcs8", "-topk8", "-nocrypt", "-in", k, "-outform", "DER", "-out", "plain.pk8");
    assertThat(ClientCertificate.read(rsa.cert().toString(), der.toString(), null).chain()).hasSize(1);
    Path encDer = run("enc.pk8", "pkcs8", "-topk8", "-in", k, "-v2", "aes-256-cbc", "-passout", "pass:" + PASSPHRASE,
        "-outform", "DER", "-out", "enc.pk8");
    assertThat(ClientCertificate.read(rsa.cert().toString(), encDer.toString(), PASSPHRASE).chain()).hasSize(1);

    // PKCS #12 holds the certificate too: sslcert may be left out
    Path p12 = run("client.p12", "pkcs12", "-export", "-in", rsa.cert().toString(), "-inkey", k, "-passout",
        "pass:" + PASSPHRASE, "-out", "client.p12");
    ClientCertificate fromP12 = ClientCertificate.read(null, p12.toString(), PASSPHRASE);
    assertThat(fromP12.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=app_user");
    assertThat(fromP12.certificateFile()).isEqualTo(p12);

    // what libpq is given: unencrypted PEM, the key readable by its owner only, read back the same
    Path outCert = dir.resolve("out.crt");
    Path outKey = dir.resolve("out.key");
    fromP12.writePem(outCert, outKey);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outKey))).isEqualTo("rw-------");
    assertThat(Files.readString(outKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(ClientCertificate.read(outCert.toString(), outKey.toString(), null).chain())
        .isEqualTo(fromP12.chain());

    for (Path encrypted : new Path[] {encPem, encDer, p12}) {
      assertThatThrownBy(() -> ClientCertificate.read(rsa.cert().toString(), encrypted.toString(), "wrong-" + PASSPHRASE))
          .as(encrypted.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(encrypted.toString())
          .hasMessageContaining("passphrase")
          .hasMessageNotContaining(PASSPHRASE);
    }
    assertThatThrownBy(() -> ClientCertificate.read(rsa.cert().toString(), encPem.toString(), null))
        .hasMessageContaining("is encrypted; give its passphrase as sslpassword");
    assertThat(new PgTls(PgWire.SslMode.REQUIRE, null, c).toString()).doesNotContain(PASSPHRASE);
  }

  @Test
  void wrongFilesAreRefusedSayingWhichAndWhatToGive() throws Exception {
    String cert = rsa.cert().toString();
    TlsFiles.Client other = files.client("someone_else", true);
    assertThatThrownBy(() -> ClientCertificate.read(cert, other.key().toString(), null))
        .hasMessageContaining("does not belong to the certificate in sslcert=" + cert)
        .hasMessageContaining("CN=app_user");
    assertThatThrownBy(() -> ClientCertificate.read(cert, null, null))
        .hasMessageContaining("no sslkey");
    assertThatThrownBy(() -> ClientCertificate.read(null, rsa.key().toString(), null))
        .hasMessageContaining("no sslcert");
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> ClientCertificate.read(cert, missing.toString(), null))
        .hasMessageContaining("sslkey=" + missing).hasMessageContaining("does not exist");
    Path garbage = Files.writeString(dir.resolve("garbage.key"), "not a key\n");
    assertThatThrownBy(() -> ClientCertificate.read(cert, garbage.toString(), null))
        .hasMessageContaining("sslkey=" + garbage);
    assertThatThrownBy(() -> ClientCertificate.read(rsa.key().toString(), rsa.key().toString(), null))
        .hasMessageContaining("sslcert=" + rsa.key());
    Path legacy = run("legacy.key", "rsa", "-in", rsa.key().toString(), "-aes256", "-traditional", "-passout",
        "pass:" + PASSPHRASE, "-out", "legacy.key");
    assertThatThrownBy(() -> ClientCertificate.read(cert, legacy.toString(), PASSPHRASE))
        .hasMessageContaining("old format").hasMessageContaining("openssl pkcs8 -topk8")
        .hasMessageNotContaining(PASSPHRASE);
    // and from a URL, before anything connects
    assertThatThrownBy(() -> PgTls.fromUrl("postgres://db:5432/app?sslmode=verify-full&sslcert=" + cert))
        .hasMessageContaining("no sslkey");
    PgTls tls = PgTls.fromUrl("postgres://db:5432/app?sslmode=require&" + rsa.params());
    assertThat(tls.client()).isNotNull();
    assertThat(PgTls.given("postgres://db:5432/app?" + rsa.params())).isPresent();
  }

  private static Path signed(String name, Path key) throws Exception {
    run(name + ".csr", "req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", name + ".csr");
    return run(name + ".crt", "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-out", name + ".crt");
  }
}
