package dev.lockplane.internal.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The socket under a {@link PgWire} connection: TCP with keepalives tuned to find a dead server in
 * minutes, then TLS as libpq's {@code sslmode} and {@code sslrootcert} ask ({@code SSLRequest} first;
 * see {@link PgTls}).
 */
public final class WireSocket {
  private WireSocket() {}

  /**
   * Connects (15 s at most) and negotiates TLS.
   *
   * @param host the host
   * @param port the port
   * @param tls how to use TLS
   * @return the socket, encrypted unless the mode or a {@code prefer} server says otherwise
   * @throws IOException when connecting or the TLS handshake fails
   */
  static Socket open(String host, int port, PgTls tls) throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(host, port), 15_000);
      plain.setTcpNoDelay(true);
      keepAlive(plain);
      return tls.mode() == PgWire.SslMode.DISABLE ? plain : negotiateTls(plain, host, port, tls);
    } catch (IOException | RuntimeException e) {
      try {
        plain.close();
      } catch (IOException ignored) {
        // the connection failed already
      }
      throw e;
    }
  }

  /**
   * TCP keepalives that find a dead server or network in about two minutes (idle 60 s, then a probe
   * every 10 s, 6 unanswered), where the system's defaults wait more than two hours: a backup
   * whose server vanished fails instead of waiting. A server that is alive but stuck still answers
   * them; where the platform cannot tune them, the defaults stay.
   */
  public static void keepAlive(Socket s) throws IOException {
    s.setKeepAlive(true);
    // jdk.net's extended options, found by name: the platform lists those it supports
    Map<String, Integer> wanted = Map.of("TCP_KEEPIDLE", 60, "TCP_KEEPINTERVAL", 10, "TCP_KEEPCOUNT", 6);
    for (java.net.SocketOption<?> o : s.supportedOptions()) {
      Integer value = wanted.get(o.name());
      if (value != null && o.type() == Integer.class) {
        @SuppressWarnings("unchecked")
        java.net.SocketOption<Integer> option = (java.net.SocketOption<Integer>) o;
        s.setOption(option, value);
      }
    }
  }

  private static Socket negotiateTls(Socket plain, String host, int port, PgTls tls) throws IOException {
    PgWire.SslMode mode = tls.mode();
    OutputStream o = plain.getOutputStream();
    // SSLRequest: length 8, code 80877103
    o.write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
    o.flush();
    int answer = plain.getInputStream().read();
    if (answer == 'N') {
      if (mode != PgWire.SslMode.PREFER) {
        throw new IOException("the server at " + host + ":" + port + " does not accept TLS, and sslmode is "
            + mode.libpqName());
      }
      return plain;
    }
    if (answer != 'S') {
      throw new IOException("the server at " + host + ":" + port + " answered the TLS request with " + answer);
    }
    try {
      SSLSocket socket = (SSLSocket) tls.context().getSocketFactory().createSocket(plain, host, port, true);
      SSLParameters p = socket.getSSLParameters();
      if (mode == PgWire.SslMode.VERIFY_FULL) {
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.matches("[0-9.:]+")) {
          p.setServerNames(List.of(new SNIHostName(host)));
        }
      }
      socket.setSSLParameters(p);
      try {
        socket.startHandshake();
      } catch (javax.net.ssl.SSLHandshakeException e) {
        java.util.Optional<String> refused = tls.clientCertificateRefused(e);
        if (refused.isPresent()) {
          throw new IOException("at " + host + ":" + port + ", " + refused.get(), e);
        }
        if (!tls.verifies()) {
          throw e;
        }
        throw new IOException("the certificate of the server at " + host + ":" + port + " was refused (sslmode="
            + mode.libpqName() + ", trusted roots: "
            + tls.rootFile().map(Path::toString).orElse("the JVM's trust store") + "): " + e.getMessage()
            + (mode == PgWire.SslMode.VERIFY_FULL ? "; the certificate must also name the host as the URL does" : ""), e);
      }
      return socket;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot start TLS: " + e.getMessage(), e);
    }
  }
}
