package dev.lockplane.internal.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * The JDBC driver's TLS sockets for a URL with a client certificate: the driver instantiates it by
 * name ({@code sslfactory}) with the connection's properties, and it makes its sockets from the
 * same {@link PgTls} as Lockplane's own connection (the driver checks the host name itself for
 * {@code verify-full}). Not for direct use.
 */
public final class PgTlsSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory delegate;

  /**
   * Reads {@code sslmode}, {@code sslrootcert}, {@code sslcert}, {@code sslkey} and
   * {@code sslpassword} from the connection's properties.
   *
   * @param info the properties the driver was given
   * @throws GeneralSecurityException when no TLS context can be made from them
   * @throws IOException when a file cannot be read
   */
  public PgTlsSocketFactory(Properties info) throws GeneralSecurityException, IOException {
    this.delegate = PgTls.fromProperties(info).context().getSocketFactory();
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return delegate.createSocket(s, host, port, autoClose);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return delegate.createSocket(host, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return delegate.createSocket(address, port, localAddress, localPort);
  }
}
