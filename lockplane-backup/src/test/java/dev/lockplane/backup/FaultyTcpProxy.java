package dev.lockplane.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on the loopback interface in front of a real server that can reset connections: the
 * network failing, not a fake of the service. Every connection forwards bytes both ways; while
 * {@link #resetAfter(long, int)} is armed, a connection that has sent that many bytes upstream is
 * reset (RST, via SO_LINGER 0), up to a number of times; {@link #resetDownstreamAfter(long, int)}
 * does the same for bytes sent back to the client.
 */
final class FaultyTcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicLong threshold = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger resetsLeft = new AtomicInteger();
  private final AtomicLong downThreshold = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger downResetsLeft = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private final Thread acceptor;

  FaultyTcpProxy(URI upstream) throws IOException {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "faulty-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Resets connections once they have sent {@code bytes} upstream, {@code times} times in all. */
  void resetAfter(long bytes, int times) {
    resetsLeft.set(times);
    threshold.set(bytes);
  }

  /** Resets connections once they have sent {@code bytes} back to the client, {@code times} times in all. */
  void resetDownstreamAfter(long bytes, int times) {
    downResetsLeft.set(times);
    downThreshold.set(bytes);
  }

  /** How many connections were reset. */
  int resets() {
    return resets.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket up = new Socket(upstream.getAddress(), upstream.getPort());
        sockets.add(client);
        sockets.add(up);
        pump(client, up, threshold, resetsLeft);
        pump(up, client, downThreshold, downResetsLeft);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicLong threshold, AtomicInteger resetsLeft) {
    Thread t = new Thread(() -> {
      long sent = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (sent + n >= threshold.get() && resetsLeft.getAndUpdate(r -> Math.max(0, r - 1)) > 0) {
            int part = (int) Math.max(0, threshold.get() - sent);
            out.write(buf, 0, part);
            out.flush();
            resets.incrementAndGet();
            reset(from);
            reset(to);
            return;
          }
          out.write(buf, 0, n);
          sent += n;
        }
      } catch (IOException e) {
        // the other direction closed or was reset
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "faulty-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
