package dev.lockplane.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How a backup's connections to a server use TLS, from the URL's {@code sslmode} and
 * {@code sslrootcert} as libpq names them, and the same for both kinds of connection a backup
 * over the network opens: Lockplane's own replication connection ({@link WireSocket}) and the JDBC
 * driver's (the system identifier, the databases and their tables).
 *
 * <ul>
 *   <li>{@code disable}, {@code allow}/{@code prefer} (TLS when the server offers it),
 *       {@code require}: the certificate is not checked, as the JDBC driver does for these modes.
 *   <li>{@code verify-ca}: the certificate must chain to a trusted root; {@code verify-full}: and
 *       name the host, as HTTPS checks it (its subject alternative names; for a host name, its
 *       common name when it has no DNS names).
 *   <li>The trusted roots: the PEM certificates of {@code sslrootcert=FILE}; with
 *       {@code sslrootcert=system}, the JVM's trust store; without it, libpq's default file
 *       {@code ~/.postgresql/root.crt} where it exists, else the JVM's trust store.
 * </ul>
 *
 * @param mode the mode
 * @param rootCert {@code sslrootcert} as given, or {@code null}
 */
public record PgTls(PgWire.SslMode mode, String rootCert) {
  /** {@code sslrootcert=system}: the JVM's trust store, as libpq's value for the system's. */
  static final String SYSTEM = "system";

  /** A mode without a root certificate file. */
  public static PgTls of(PgWire.SslMode mode) {
    return new PgTls(mode, null);
  }

  /**
   * Reads {@code sslmode} and {@code sslrootcert} from a URL and checks them.
   *
   * @param url the URL as the user wrote it
   * @return the settings ({@code prefer} when the URL names no mode)
   * @throws IllegalArgumentException when a value is not one libpq knows, a root certificate file
   *     cannot be read, or the URL asks for a client certificate, which is not supported
   */
  public static PgTls fromUrl(String url) {
    for (String p : new String[] {"sslcert", "sslkey"}) {
      if (dev.lockplane.internal.sql.JdbcUrls.param(url, p) != null) {
        throw new IllegalArgumentException("the URL names " + p + ", but client certificates are not supported for"
            + " backups over replication; authenticate the role with a password (SCRAM)");
      }
    }
    PgTls tls = new PgTls(PgWire.SslMode.of(dev.lockplane.internal.sql.JdbcUrls.param(url, "sslmode")),
        dev.lockplane.internal.sql.JdbcUrls.param(url, "sslrootcert"));
    if (tls.rootCert != null && !tls.rootCert.equalsIgnoreCase(SYSTEM)) {
      Path f = Path.of(tls.rootCert);
      if (!Files.isReadable(f) || Files.isDirectory(f)) {
        throw new IllegalArgumentException("the root certificate file sslrootcert=" + tls.rootCert
            + " does not exist or cannot be read; give the PEM file of the certificate authority that signed the"
            + " server's certificate, or sslrootcert=system for the JVM's trust store");
      }
    }
    return tls;
  }

  /**
   * The TLS a URL asks for when it names {@code sslmode} or {@code sslrootcert}; empty when it
   * names neither, so that a connection keeps its driver's defaults.
   *
   * @throws IllegalArgumentException as {@link #fromUrl(String)}
   */
  public static Optional<PgTls> given(String url) {
    PgTls tls = fromUrl(url);
    boolean named = dev.lockplane.internal.sql.JdbcUrls.param(url, "sslmode") != null || tls.rootCert != null;
    return named ? Optional.of(tls) : Optional.empty();
  }

  /** Whether the server's certificate is checked. */
  public boolean verifies() {
    return mode == PgWire.SslMode.VERIFY_CA || mode == PgWire.SslMode.VERIFY_FULL;
  }

  /**
   * The file of trusted root certificates a verifying mode uses: {@code sslrootcert}'s, else libpq's
   * default where it exists; empty for the JVM's trust store.
   */
  public Optional<Path> rootFile() {
    if (rootCert != null) {
      return rootCert.equalsIgnoreCase(SYSTEM) ? Optional.empty() : Optional.of(Path.of(rootCert));
    }
    Path libpqDefault = Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
    return Files.isReadable(libpqDefault) ? Optional.of(libpqDefault) : Optional.empty();
  }

  /**
   * Sets the JDBC driver's properties to the same TLS: its mode, and for a verifying mode the same
   * trusted roots (the file, or the driver's factory that uses the JVM's trust store).
   *
   * @param props the connection properties
   */
  public void applyTo(Properties props) {
    props.setProperty("sslmode", mode.libpqName());
    if (verifies()) {
      Optional<Path> roots = rootFile();
      if (roots.isPresent()) {
        props.setProperty("sslrootcert", roots.get().toString());
      } else {
        props.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
      }
    }
  }

  /**
   * The TLS context of Lockplane's own connection: one that checks the chain against the trusted
   * roots for a verifying mode (the host name is checked by the socket, for {@code verify-full}),
   * else one that accepts any certificate.
   *
   * @throws IOException when the root certificate file cannot be read or holds no certificate
   */
  SSLContext context() throws IOException, GeneralSecurityException {
    if (!verifies()) {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AcceptAny()}, new SecureRandom());
      return ctx;
    }
    Optional<Path> roots = rootFile();
    if (roots.isEmpty()) {
      return SSLContext.getDefault();
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(roots.get())) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("the root certificate file " + roots.get() + " holds no readable PEM certificate: "
          + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IOException("the root certificate file " + roots.get() + " holds no certificate");
    }
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("root-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }

  /** Trusts any certificate: libpq's {@code sslmode=require} encrypts without authenticating the server. */
  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
