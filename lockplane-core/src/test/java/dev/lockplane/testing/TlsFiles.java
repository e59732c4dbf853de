package dev.lockplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A certificate authority, a server certificate it signed for {@code localhost} only (so connecting
 * to {@code 127.0.0.1} passes {@code verify-ca} and fails {@code verify-full}), and a second,
 * unrelated authority: made with openssl for TLS tests, and installed into a running server.
 *
 * @param ca the authority's certificate (PEM), the one to trust
 * @param otherCa another authority's certificate, which did not sign the server's
 * @param serverCert the server's certificate
 * @param serverKey the server's private key
 */
public record TlsFiles(Path ca, Path otherCa, Path serverCert, Path serverKey) {
  /** Whether openssl is there to make the files. */
  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/openssl"));
  }

  /**
   * Makes the files in a directory, skipping the test (failing it under {@code
   * LOCKPLANE_REQUIRE_COW=1}) when the machine has no openssl.
   *
   * @param dir the directory
   * @return the files
   * @throws Exception when openssl fails
   */
  public static TlsFiles make(Path dir) throws Exception {
    Requirements.require(available(), "needs openssl to make certificates (apt-get install openssl)");
    Files.createDirectories(dir);
    for (String name : List.of("ca", "other-ca")) {
      openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=lockplane test " + name,
          "-keyout", name + ".key", "-out", name + ".crt", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
        "-out", "server.csr");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
    openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-out", "server.crt", "-extfile", "server.ext");
    return new TlsFiles(dir.resolve("ca.crt"), dir.resolve("other-ca.crt"), dir.resolve("server.crt"),
        dir.resolve("server.key"));
  }

  /**
   * A client certificate for a role, signed by this authority (or by the other one, which the
   * server does not trust), with an RSA key in PEM (PKCS #8), next to the authority's files.
   *
   * @param role the role, the certificate's common name ({@code cert} authentication matches it)
   * @param trusted whether the trusted authority signs it
   * @return the certificate and its key
   * @throws Exception when openssl fails
   */
  public Client client(String role, boolean trusted) throws Exception {
    Path dir = ca.getParent();
    String name = "client-" + role + (trusted ? "" : "-untrusted");
    String issuer = trusted ? "ca" : "other-ca";
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + role, "-keyout", name + ".key",
        "-out", name + ".csr");
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt", "-CAkey", issuer + ".key",
        "-CAcreateserial", "-days", "2", "-out", name + ".crt");
    return new Client(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
  }

  /**
   * A client certificate and its private key.
   *
   * @param cert the certificate (PEM)
   * @param key the key (PEM)
   */
  public record Client(Path cert, Path key) {
    /** The URL parameters that name them. */
    public String params() {
      return "sslcert=" + cert + "&sslkey=" + key;
    }
  }

  /**
   * Runs openssl in a directory, failing the test with its output when it fails.
   *
   * @param dir the working directory
   * @param args the arguments
   * @throws Exception when it cannot run
   */
  public static void openssl(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("openssl %s: %s", args[0], out).isZero();
  }

  /**
   * Puts the server's certificate and key into a server's data directory (owned by the server's
   * user, mode 0600) with the authority as the one that signs client certificates
   * ({@code ssl_ca_file}), turns TLS on and waits until the reloaded server offers it.
   *
   * @param pg the server
   * @throws Exception when the server does not take them
   */
  public void install(LocalPostgres pg) throws Exception {
    Path data = pg.dataDirectory();
    UserPrincipal owner = Files.getOwner(data);
    Files.copy(serverCert, data.resolve("server.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(serverKey, data.resolve("server.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(ca, data.resolve("client-ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    for (String f : List.of("server.key", "server.crt", "client-ca.crt")) {
      Files.getFileAttributeView(data.resolve(f), PosixFileAttributeView.class).setOwner(owner);
      Files.setPosixFilePermissions(data.resolve(f), PosixFilePermissions.fromString("rw-------"));
    }
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET ssl = on");
      s.execute("ALTER SYSTEM SET ssl_ca_file = 'client-ca.crt'");
      s.execute("SELECT pg_reload_conf()");
    }
    Properties props = new Properties();
    props.setProperty("user", pg.user());
    props.setProperty("password", pg.password());
    props.setProperty("sslmode", "require");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", props)) {
        return;
      } catch (SQLException e) {
        // a reload is asynchronous: until it is done, the server answers the TLS request with no
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
