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
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How a backup's connections to a server use TLS, from the URL's {@code sslmode}, {@code sslrootcert},
 * {@code sslcert}, {@code sslkey} and {@code sslpassword} as libpq names them, and the same for
 * both kinds of connection a backup over the network opens: Lockplane's own replication connection
 * ({@link WireSocket}) and the JDBC driver's (the system identifier, the databases and their tables).
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
 *   <li>A client certificate ({@code sslcert} and {@code sslkey}, see {@link ClientCertificate}; without
 *       either, libpq's {@code ~/.postgresql/postgresql.crt} and {@code postgresql.key} where both
 *       exist) is offered to a server that asks for one, for {@code cert} authentication or
 *       {@code clientcert=verify-full}; the JDBC driver's connections get it through
 *       {@link PgTlsSocketFactory}, since the driver itself reads no PEM key.
 * </ul>
 *
 * @param mode the mode
 * @param rootCert {@code sslrootcert} as given, or {@code null}
 * @param client the client certificate, or {@code null}
 */
public record PgTls(PgWire.SslMode mode, String rootCert, ClientCertificate client) {
  /** {@code sslrootcert=system}: the JVM's trust store, as libpq's value for the system's. */
  static final String SYSTEM = "system";
  /** libpq's client certificate and key in {@code ~/.postgresql}, used when the URL names neither. */
  static final String DEFAULT_CERT = "postgresql.crt";
  static final String DEFAULT_KEY = "postgresql.key";

  /**
   * Settings without a client certificate.
   *
   * @param mode the mode
   * @param rootCert {@code sslrootcert} as given, or {@code null}
   */
  public PgTls(PgWire.SslMode mode, String rootCert) {
    this(mode, rootCert, null);
  }

  /** A mode without a root certificate file. */
  public static PgTls of(PgWire.SslMode mode) {
    return new PgTls(mode, null);
  }

  /**
   * Reads the TLS settings from a URL and checks them: the root certificate file must be readable,
   * and a client certificate and its key must be readable and belong together.
   *
   * @param url the URL as the user wrote it
   * @return the settings ({@code prefer} when the URL names no mode)
   * @throws IllegalArgumentException when a value is not one libpq knows or a file named cannot be
   *     used, saying which and what to give instead
   */
  public static PgTls fromUrl(String url) {
    return read(p -> dev.lockplane.internal.sql.JdbcUrls.param(url, p));
  }

  /**
   * The same from JDBC connection properties, as {@link #applyTo(Properties)} sets them.
   *
   * @param props the properties
   * @return the settings
   * @throws IllegalArgumentException as {@link #fromUrl(String)}
   */
  static PgTls fromProperties(Properties props) {
    return read(props::getProperty);
  }

  private static PgTls read(java.util.function.Function<String, String> param) {
    PgWire.SslMode mode = PgWire.SslMode.of(param.apply("sslmode"));
    String cert = param.apply("sslcert");
    String key = param.apply("sslkey");
    if (cert == null && key == null && mode != PgWire.SslMode.DISABLE) {
      // libpq's default files, when both are there
      Path dir = Path.of(System.getProperty("user.home"), ".postgresql");
      if (Files.isReadable(dir.resolve(DEFAULT_CERT)) && Files.isReadable(dir.resolve(DEFAULT_KEY))) {
        cert = dir.resolve(DEFAULT_CERT).toString();
        key = dir.resolve(DEFAULT_KEY).toString();
      }
    }
    ClientCertificate client = cert == null && key == null ? null
        : ClientCertificate.read(cert, key, param.apply("sslpassword"));
    PgTls tls = new PgTls(mode, param.apply("sslrootcert"), client);
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
   * The TLS a URL asks for when it names {@code sslmode}, {@code sslrootcert} or a client
   * certificate; empty when it names none, so that a connection keeps its driver's defaults.
   *
   * @throws IllegalArgumentException as {@link #fromUrl(String)}
   */
  public static Optional<PgTls> given(String url) {
    PgTls tls = fromUrl(url);
    boolean named = dev.lockplane.internal.sql.JdbcUrls.param(url, "sslmode") != null || tls.rootCert != null
        || tls.client != null;
    return named ? Optional.of(tls) : Optional.empty();
  }

  /**
   * What a failed connection means when the server refused the client certificate: the TLS alert
   * the server sent (in TLS 1.3 it arrives after the handshake, at the connection's first read), in
   * words that say what to fix; empty for any other failure, or without a client certificate.
   *
   * @param failure the connection's failure
   * @return a sentence naming the certificate, or empty
   */
  public Optional<String> clientCertificateRefused(Throwable failure) {
    if (client == null) {
      return Optional.empty();
    }
    String fix = ": it must be signed by an authority the server trusts (its ssl_ca_file), and for cert authentication"
        + " name the role as its common name";
    boolean inTls = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof javax.net.ssl.SSLException && m.startsWith("Received fatal alert")) {
        return Optional.of("the server refused the " + client + " (" + m + ")" + fix);
      }
      inTls |= t instanceof javax.net.ssl.SSLException || m.startsWith("SSL error") || throughTls(t);
      if (inTls && t instanceof java.net.SocketException) {
        // the server may close the connection instead of sending its alert where the client can read it
        return Optional.of("the server closed the connection during the TLS handshake (" + m + "), as a server does when"
            + " it refuses the " + client + fix);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a failure was raised inside the JDK's TLS: a connection reset while the driver writes its
   * first message through a TLS 1.3 connection whose handshake the client saw end (the server refused
   * the certificate after it) comes without an {@code SSLException} around it.
   */
  private static boolean throughTls(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("sun.security.ssl.")) {
        return true;
      }
    }
    return false;
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
   * trusted roots (the file, or the driver's factory that uses the JVM's trust store). With a client
   * certificate the driver's sockets come from {@link PgTlsSocketFactory}, which reads the same
   * files as this (the driver alone reads neither PEM keys nor all the formats libpq does).
   *
   * @param props the connection properties
   */
  public void applyTo(Properties props) {
    props.setProperty("sslmode", mode.libpqName());
    if (client != null) {
      props.setProperty("sslfactory", PgTlsSocketFactory.class.getName());
      if (!client.certificateFile().equals(client.keyFile())) { // else a PKCS #12 file holds both
        props.setProperty("sslcert", client.certificateFile().toString());
      }
      props.setProperty("sslkey", client.keyFile().toString());
      client.password().ifPresent(p -> props.setProperty("sslpassword", p));
      if (rootCert != null) {
        props.setProperty("sslrootcert", rootCert);
      }
      return;
    }
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
    KeyManager[] keys = client == null ? null : new KeyManager[] {client.keyManager()};
    SSLContext ctx = SSLContext.getInstance("TLS");
    if (!verifies()) {
      ctx.init(keys, new TrustManager[] {new AcceptAny()}, new SecureRandom());
      return ctx;
    }
    Optional<Path> roots = rootFile();
    if (roots.isEmpty() && keys == null) {
      return SSLContext.getDefault();
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (roots.isEmpty()) {
      tmf.init((KeyStore) null); // the JVM's trust store, as the default context has it
    } else {
      tmf.init(trustStore(roots.get()));
    }
    ctx.init(keys, tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }

  private static KeyStore trustStore(Path file) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(file)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("the root certificate file " + file + " holds no readable PEM certificate: "
          + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new IOException("the root certificate file " + file + " holds no certificate");
    }
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("root-" + i++, c);
    }
    return ks;
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
