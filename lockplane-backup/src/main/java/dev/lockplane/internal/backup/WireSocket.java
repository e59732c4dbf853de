package dev.lockplane.internal.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The socket under a {@link PgWire} connection: TCP with keepalives tuned to find a dead server in
 * minutes, then TLS as libpq's {@code sslmode} asks ({@code SSLRequest} first).
 */
final class WireSocket {
  private WireSocket() {}

  /**
   * Connects (15 s at most) and negotiates TLS.
   *
   * @param host the host
   * @param port the port
   * @param sslMode how to use TLS
   * @return the socket, encrypted unless the mode or a {@code prefer} server says otherwise
   * @throws IOException when connecting or the TLS handshake fails
   */
  static Socket open(String host, int port, PgWire.SslMode sslMode) throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(host, port), 15_000);
      plain.setTcpNoDelay(true);
      keepAlive(plain);
      return sslMode == PgWire.SslMode.DISABLE ? plain : negotiateTls(plain, host, port, sslMode);
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
  static void keepAlive(Socket s) throws IOException {
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

  private static Socket negotiateTls(Socket plain, String host, int port, PgWire.SslMode mode) throws IOException {
    OutputStream o = plain.getOutputStream();
    // SSLRequest: length 8, code 80877103
    o.write(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
    o.flush();
    int answer = plain.getInputStream().read();
    if (answer == 'N') {
      if (mode != PgWire.SslMode.PREFER) {
        throw new IOException("the server at " + host + ":" + port + " does not accept TLS, and sslmode is "
            + mode.name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      return plain;
    }
    if (answer != 'S') {
      throw new IOException("the server at " + host + ":" + port + " answered the TLS request with " + answer);
    }
    try {
      SSLContext ctx;
      if (mode == PgWire.SslMode.VERIFY_FULL) {
        ctx = SSLContext.getDefault();
      } else {
        // libpq's prefer and require encrypt without checking the certificate; verify-full checks it
        ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new AcceptAny()}, new SecureRandom());
      }
      SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
      SSLParameters p = tls.getSSLParameters();
      if (mode == PgWire.SslMode.VERIFY_FULL) {
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.matches("[0-9.:]+")) {
          p.setServerNames(List.of(new SNIHostName(host)));
        }
      }
      tls.setSSLParameters(p);
      tls.startHandshake();
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot start TLS: " + e.getMessage(), e);
    }
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
