package dev.lockplane.internal.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A PostgreSQL wire-protocol (version 3) connection in physical replication mode, for the commands
 * pgjdbc cannot run: {@code BASE_BACKUP}, whose answer mixes result sets and a copy stream, and
 * {@code UPLOAD_MANIFEST}. It speaks just enough of the protocol: TLS (libpq's {@code sslmode} and
 * {@code sslrootcert}, see {@link PgTls}), password, MD5 and
 * SCRAM-SHA-256 authentication, simple queries, copy in and copy out. Not thread-safe: one backup
 * uses one connection. The password is never part of a message or an exception.
 */
public final class PgWire implements AutoCloseable {
  /** An error the server sent: its SQLSTATE and message. */
  public static final class ServerError extends IOException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    ServerError(String sqlState, String message) {
      super(message + (sqlState == null ? "" : " (SQLSTATE " + sqlState + ")"));
      this.sqlState = sqlState;
    }

    /** Returns the SQLSTATE, or {@code null}. */
    public String sqlState() {
      return sqlState;
    }
  }

  /** How the connection uses TLS, as libpq's {@code sslmode}. */
  public enum SslMode {
    DISABLE, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The mode's name as libpq and the JDBC driver spell it, such as {@code verify-full}. */
    public String libpqName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses libpq's names ({@code allow} acts as {@code prefer}). */
    public static SslMode of(String name) {
      if (name == null) {
        return PREFER;
      }
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "disable" -> DISABLE;
        case "allow", "prefer" -> PREFER;
        case "require" -> REQUIRE;
        case "verify-ca" -> VERIFY_CA;
        case "verify-full" -> VERIFY_FULL;
        default -> throw new IllegalArgumentException("sslmode '" + name
            + "' is not one of disable, allow, prefer, require, verify-ca, verify-full");
      };
    }
  }

  /** Receives what a query answers, message by message. */
  public interface Listener {
    /** A result set begins. */
    default void columns(List<String> names) throws IOException {}

    /** A row, its values as text ({@code null} for SQL NULL). */
    default void row(List<String> values) throws IOException {}

    /** A copy-out stream begins. */
    default void copyOut() throws IOException {}

    /** One CopyData message of a copy-out stream: the buffer is reused after the call. */
    default void copyData(byte[] data, int length) throws IOException {}

    /** The copy-out stream ended. */
    default void copyDone() throws IOException {}

    /** The server asks for copy-in data: returns what to send, read to its end. */
    default InputStream copyIn() throws IOException {
      throw new IOException("the server asked for copy-in data");
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Map<String, String> parameters = new HashMap<>();
  private byte[] buffer = new byte[64 * 1024];

  private PgWire(Socket socket, InputStream in, OutputStream out) {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(in, 256 * 1024));
    this.out = new BufferedOutputStream(out, 64 * 1024);
  }

  /**
   * Connects in physical replication mode and authenticates.
   *
   * @param host the host
   * @param port the port
   * @param user the role
   * @param password the password, or {@code null}
   * @param tls how to use TLS
   * @param applicationName shown in {@code pg_stat_replication}
   * @return the connection, ready for queries
   * @throws IOException when connecting or authenticating fails ({@link ServerError} when the server refused)
   */
  public static PgWire connect(String host, int port, String user, String password, PgTls tls, String applicationName)
      throws IOException {
    Socket s = WireSocket.open(host, port, tls);
    try {
      PgWire w = new PgWire(s, s.getInputStream(), s.getOutputStream());
      w.startup(user, password, applicationName);
      return w;
    } catch (IOException | RuntimeException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // the connection failed already
      }
      throw e;
    }
  }

  private void startup(String user, String password, String applicationName) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeInt(body, 196608); // protocol 3.0
    Map<String, String> params = new LinkedHashMap<>();
    params.put("user", user);
    params.put("database", "replication");
    params.put("replication", "true");
    params.put("application_name", applicationName);
    params.put("client_encoding", "UTF8");
    for (Map.Entry<String, String> e : params.entrySet()) {
      writeString(body, e.getKey());
      writeString(body, e.getValue());
    }
    body.write(0);
    writeInt(out, body.size() + 4);
    body.writeTo(out);
    out.flush();
    Scram scram = null;
    while (true) {
      int type = in.readUnsignedByte();
      int length = in.readInt() - 4;
      byte[] msg = readBody(length);
      switch (type) {
        case 'R' -> {
          int code = intAt(msg, 0);
          switch (code) {
            case 0 -> {
              // authenticated
            }
            case 3 -> send('p', cString(requirePassword(password)));
            case 5 -> send('p', cString(md5(requirePassword(password), user, java.util.Arrays.copyOfRange(msg, 4, 8))));
            case 10 -> {
              List<String> mechanisms = strings(msg, 4);
              if (!mechanisms.contains("SCRAM-SHA-256")) {
                throw new IOException("the server offers only " + mechanisms + " for authentication");
              }
              scram = new Scram(requirePassword(password));
              byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
              ByteArrayOutputStream b = new ByteArrayOutputStream();
              writeString(b, "SCRAM-SHA-256");
              writeInt(b, first.length);
              b.write(first);
              send('p', b.toByteArray());
            }
            case 11 -> send('p', scram.clientFinal(new String(msg, 4, msg.length - 4, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
            case 12 -> scram.checkServerFinal(new String(msg, 4, msg.length - 4, StandardCharsets.UTF_8));
            default -> throw new IOException("the server asks for an authentication method this client does not "
                + "speak (code " + code + "); use password, md5 or scram-sha-256 in pg_hba.conf");
          }
        }
        case 'S' -> {
          List<String> kv = strings(msg, 0);
          if (kv.size() >= 2) {
            parameters.put(kv.get(0), kv.get(1));
          }
        }
        case 'E' -> throw error(msg);
        case 'Z' -> {
          return;
        }
        default -> {
          // BackendKeyData, notices, negotiation messages: nothing to do
        }
      }
    }
  }

  private static String requirePassword(String password) throws IOException {
    if (password == null) {
      throw new IOException("the server asks for a password and none was given");
    }
    return password;
  }

  /** Returns a parameter the server reported, such as {@code server_version}, or {@code null}. */
  public String parameter(String name) {
    return parameters.get(name);
  }

  /**
   * Runs a simple query and returns the rows of its result sets.
   *
   * @param sql the command
   * @return the rows, values as text
   * @throws IOException on a server error or a broken connection
   */
  public List<List<String>> query(String sql) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    execute(sql, new Listener() {
      @Override
      public void row(List<String> values) {
        rows.add(values);
      }
    });
    return rows;
  }

  /**
   * Runs a simple query, passing what the server answers to a listener, until the server is ready
   * for the next query. A server error is thrown after the server is ready again, so the
   * connection stays usable; an exception from the listener leaves it broken.
   *
   * @param sql the command
   * @param listener receives the answer
   * @throws IOException on a server error or a broken connection
   */
  public void execute(String sql, Listener listener) throws IOException {
    send('Q', cString(sql));
    ServerError failed = null;
    while (true) {
      int type = in.readUnsignedByte();
      int length = in.readInt() - 4;
      if (type == 'd') {
        if (length > buffer.length) {
          buffer = new byte[Math.max(length, buffer.length * 2)];
        }
        in.readFully(buffer, 0, length);
        listener.copyData(buffer, length);
        continue;
      }
      byte[] msg = readBody(length);
      switch (type) {
        case 'T' -> {
          int n = ((msg[0] & 0xff) << 8) | (msg[1] & 0xff);
          List<String> names = new ArrayList<>(n);
          int at = 2;
          for (int i = 0; i < n; i++) {
            int end = at;
            while (msg[end] != 0) {
              end++;
            }
            names.add(new String(msg, at, end - at, StandardCharsets.UTF_8));
            at = end + 1 + 18;
          }
          listener.columns(names);
        }
        case 'D' -> {
          int n = ((msg[0] & 0xff) << 8) | (msg[1] & 0xff);
          List<String> values = new ArrayList<>(n);
          int at = 2;
          for (int i = 0; i < n; i++) {
            int len = intAt(msg, at);
            at += 4;
            if (len < 0) {
              values.add(null);
            } else {
              values.add(new String(msg, at, len, StandardCharsets.UTF_8));
              at += len;
            }
          }
          listener.row(values);
        }
        case 'H' -> listener.copyOut();
        case 'c' -> listener.copyDone();
        case 'G' -> {
          try (InputStream data = listener.copyIn()) {
            byte[] chunk = new byte[64 * 1024];
            int r;
            while ((r = data.read(chunk)) > 0) {
              send('d', java.util.Arrays.copyOf(chunk, r), false);
            }
          }
          send('c', new byte[0]);
        }
        case 'E' -> failed = error(msg);
        case 'Z' -> {
          if (failed != null) {
            throw failed;
          }
          return;
        }
        default -> {
          // CommandComplete, notices, parameter changes: nothing to do
        }
      }
    }
  }

  private byte[] readBody(int length) throws IOException {
    if (length < 0 || length > 64 * 1024 * 1024) {
      throw new IOException("the server sent a message of " + length + " bytes: not a PostgreSQL server?");
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return b;
  }

  private void send(char type, byte[] body) throws IOException {
    send(type, body, true);
  }

  private void send(char type, byte[] body, boolean flush) throws IOException {
    out.write(type);
    writeInt(out, body.length + 4);
    out.write(body);
    if (flush) {
      out.flush();
    }
  }

  private static ServerError error(byte[] msg) {
    String state = null;
    String text = null;
    String detail = null;
    int at = 0;
    while (at < msg.length && msg[at] != 0) {
      char field = (char) msg[at++];
      int end = at;
      while (end < msg.length && msg[end] != 0) {
        end++;
      }
      String value = new String(msg, at, end - at, StandardCharsets.UTF_8);
      at = end + 1;
      switch (field) {
        case 'C' -> state = value;
        case 'M' -> text = value;
        case 'D' -> detail = value;
        default -> {
          // severity, hints and positions add nothing here
        }
      }
    }
    return new ServerError(state, (text == null ? "error" : text) + (detail == null ? "" : " (" + detail + ")"));
  }

  private static int intAt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }

  private static List<String> strings(byte[] msg, int from) {
    List<String> out = new ArrayList<>();
    int at = from;
    while (at < msg.length && msg[at] != 0) {
      int end = at;
      while (end < msg.length && msg[end] != 0) {
        end++;
      }
      out.add(new String(msg, at, end - at, StandardCharsets.UTF_8));
      at = end + 1;
    }
    return out;
  }

  private static byte[] cString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(b, b.length + 1);
  }

  private static void writeString(OutputStream o, String s) throws IOException {
    o.write(cString(s));
  }

  private static void writeInt(OutputStream o, int v) throws IOException {
    o.write(v >>> 24);
    o.write(v >>> 16);
    o.write(v >>> 8);
    o.write(v);
  }

  private static String md5(String password, String user, byte[] salt) {
    String inner = hexMd5(concat((password + user).getBytes(StandardCharsets.UTF_8)));
    return "md5" + hexMd5(concat(inner.getBytes(StandardCharsets.US_ASCII), salt));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  private static String hexMd5(byte[] data) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /** SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, as PostgreSQL speaks it. */
  private static final class Scram {
    private final byte[] password;
    private final String nonce;
    private String clientFirstBare;
    private byte[] serverSignature;

    Scram(String password) {
      // SASLprep leaves ASCII passwords as they are; PostgreSQL uses the raw bytes where it fails
      this.password = password.getBytes(StandardCharsets.UTF_8);
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      this.nonce = Base64.getEncoder().encodeToString(random);
    }

    String clientFirst() {
      // the user name is the startup message's; PostgreSQL ignores this one
      clientFirstBare = "n=,r=" + nonce;
      return "n,," + clientFirstBare;
    }

    String clientFinal(String serverFirst) throws IOException {
      Map<Character, String> f = attributes(serverFirst);
      String combined = f.get('r');
      if (combined == null || !combined.startsWith(nonce) || f.get('s') == null || f.get('i') == null) {
        throw new IOException("the server's SCRAM challenge is malformed");
      }
      byte[] salt = Base64.getDecoder().decode(f.get('s'));
      int iterations = Integer.parseInt(f.get('i'));
      byte[] salted = pbkdf2(password, salt, iterations);
      byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
      byte[] storedKey = sha256(clientKey);
      String withoutProof = "c=biws,r=" + combined;
      byte[] auth = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
      byte[] signature = hmac(storedKey, auth);
      byte[] proof = new byte[clientKey.length];
      for (int i = 0; i < proof.length; i++) {
        proof[i] = (byte) (clientKey[i] ^ signature[i]);
      }
      serverSignature = hmac(hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)), auth);
      return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    void checkServerFinal(String serverFinal) throws IOException {
      String v = attributes(serverFinal).get('v');
      if (v == null || !MessageDigest.isEqual(Base64.getDecoder().decode(v), serverSignature)) {
        throw new IOException("the server's SCRAM signature does not match: it does not know the password");
      }
    }

    private static Map<Character, String> attributes(String message) {
      Map<Character, String> f = new HashMap<>();
      for (String part : message.split(",")) {
        if (part.length() >= 2 && part.charAt(1) == '=') {
          f.put(part.charAt(0), part.substring(2));
        }
      }
      return f;
    }

    private static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
      byte[] u = hmac(password, concat(salt, new byte[] {0, 0, 0, 1}));
      byte[] result = u.clone();
      for (int i = 1; i < iterations; i++) {
        u = hmac(password, u);
        for (int j = 0; j < result.length; j++) {
          result[j] ^= u[j];
        }
      }
      return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
        return mac.doFinal(data);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }

    private static byte[] sha256(byte[] data) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(data);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 is not available", e);
      }
    }
  }

  @Override
  public void close() {
    try {
      // Terminate, then close
      out.write('X');
      writeInt(out, 4);
      out.flush();
    } catch (IOException ignored) {
      // the connection is gone already
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }
}
