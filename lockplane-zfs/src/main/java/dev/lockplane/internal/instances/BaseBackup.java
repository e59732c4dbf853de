package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.internal.wire.PgTls;
import dev.lockplane.internal.wire.PgWire;
import dev.lockplane.internal.wire.WireBaseBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A base backup of a reachable server over the replication protocol into an empty data directory,
 * on a replication connection of Lockplane's own ({@link PgWire}: {@code BASE_BACKUP} with the WAL
 * it needs, held by a replication slot while it runs), so no client tools of the source's version
 * are needed. The role needs the {@code REPLICATION} attribute and a {@code pg_hba.conf} line for
 * the {@code replication} database; no file access to the source. TLS follows the URL's {@code
 * sslmode} and {@code sslrootcert} ({@link PgTls}). The password appears in no message.
 */
public final class BaseBackup {
  private BaseBackup() {}

  /**
   * Returns the major version of a physical server source, over a replication connection.
   *
   * @param fs the source
   * @return for example 15
   * @throws LockplaneException when the source cannot be reached or the role may not stream
   */
  public static int sourceMajorVersion(Golden.FromServer fs) {
    return probe(Source.of(fs));
  }

  /**
   * Where the source is, how to log in and how to use TLS (the URL's {@code sslmode} and {@code
   * sslrootcert}, or {@code null} for the drivers' defaults); the password is never part of
   * {@link #toString()}.
   */
  record Source(String host, int port, String user, String password, PgTls tls) {
    static Source of(Golden.FromServer fs) {
      String jdbc = JdbcUrls.toJdbc(fs.url());
      URI u = URI.create(jdbc.substring("jdbc:".length()));
      String pw = fs.password() != null ? fs.password() : JdbcUrls.passwordOf(fs.url());
      PgTls tls;
      try {
        tls = PgTls.given(fs.url()).orElse(null);
      } catch (IllegalArgumentException e) {
        throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The golden source " + JdbcUrls.redact(fs.url())
            + ": " + e.getMessage() + ".");
      }
      return new Source(u.getHost() == null ? "localhost" : u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), fs.user(), pw,
          tls);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /**
   * Opens a replication connection to check that the role may stream, and returns the source's
   * major version.
   */
  static int probe(Source src) {
    return Integer.parseInt(show(src, List.of("server_version_num")).get("server_version_num")) / 10000;
  }

  /**
   * The settings a hot standby must have at least as high as its source's: PostgreSQL refuses to
   * run a standby with fewer connections, worker processes, senders, prepared transactions or locks.
   */
  static Map<String, String> hotStandbySettings(Source src) {
    return show(src, List.of("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
        "max_locks_per_transaction"));
  }

  /** Reads settings with {@code SHOW} over a replication connection, which checks that the role may stream. */
  private static Map<String, String> show(Source src, List<String> names) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    try (Connection c = replication(src); Statement s = c.createStatement()) {
      for (String n : names) {
        try (ResultSet rs = s.executeQuery("SHOW " + n)) {
          rs.next();
          out.put(n, rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw connectFailure(src, e);
    }
  }

  /**
   * The source's current WAL flush position ({@code IDENTIFY_SYSTEM} over a replication
   * connection, which needs no more than the {@code REPLICATION} attribute), or null when the
   * source cannot be asked.
   */
  static String flushLsn(Source src) {
    try (Connection c = replication(src); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      return rs.next() ? rs.getString("xlogpos") : null;
    } catch (SQLException e) {
      return null;
    }
  }

  private static Connection replication(Source src) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", src.user());
    if (src.password() != null) {
      props.setProperty("password", src.password());
    }
    props.setProperty("replication", "true");
    props.setProperty("assumeMinServerVersion", "10");
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("connectTimeout", "10");
    props.setProperty("ApplicationName", "lockplane-golden");
    if (src.tls() != null) {
      src.tls().applyTo(props);
    }
    return new org.postgresql.Driver().connect("jdbc:postgresql://" + src.host() + ":" + src.port() + "/postgres", props);
  }

  /** Says which of the usual causes stopped a replication connection, without the password. */
  static LockplaneException connectFailure(Source src, SQLException e) {
    String state = String.valueOf(e.getSQLState());
    String msg = redact(src, String.valueOf(e.getMessage()));
    String who = "role '" + src.user() + "'";
    String why;
    if (state.startsWith("08")) {
      why = "the server cannot be reached (" + msg + "). Check the host and port, and that it accepts TCP connections.";
    } else if (state.equals("28P01")) {
      why = "the password of " + who + " was refused. Check the password.";
    } else if (state.equals("42501") || msg.contains("replication role") || msg.contains("REPLICATION")) {
      why = who + " lacks the REPLICATION attribute (" + msg + "). Run ALTER ROLE " + src.user() + " REPLICATION on the source.";
    } else if (state.equals("28000")) {
      why = "the server refuses replication connections of " + who + " (" + msg + "). Add a pg_hba.conf line for the"
          + " 'replication' database on the source.";
    } else {
      why = msg + " (SQLSTATE " + state + ").";
    }
    return new LockplaneException(ErrorCode.DATABASE_ERROR,
        "Cannot open a replication connection to " + src + " as " + who + ": " + why, e);
  }

  /**
   * Streams a base backup into {@code data}, which must not exist yet: the server's archive is
   * written out entry by entry with its modes, the WAL the backup needs included (held by a
   * temporary slot of the connection, or by {@code slot}), and {@code backup_manifest} beside it.
   *
   * @param src the source
   * @param major its major version (see {@link #probe}), 13 or later
   * @param data the data directory to create
   * @param slot a physical replication slot to create for a standby, or {@code null}
   * @return when the backup ended: its data is consistent as of about then
   */
  static Instant run(Source src, int major, Path data, String slot) {
    if (slot != null && !slot.matches("[a-z0-9_]{1,63}")) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The replication slot name '" + slot + "' is not"
          + " one PostgreSQL accepts: use lower-case letters, digits and underscores (at most 63).");
    }
    PgWire wire;
    try {
      wire = PgWire.connect(src.host(), src.port(), src.user(), src.password(),
          src.tls() != null ? src.tls() : PgTls.of(PgWire.SslMode.PREFER), "lockplane-golden");
    } catch (PgWire.ServerError e) {
      throw connectFailure(src, new SQLException(redact(src, e.getMessage()), e.sqlState()));
    } catch (IOException e) {
      throw connectFailure(src, new SQLException(redact(src, String.valueOf(e.getMessage())), "08006"));
    }
    String stage = "starting the base backup";
    try (wire) {
      // a slot keeps the WAL from before the backup's checkpoint to its end: a temporary one goes with
      // the connection; a standby's stays, for the standby to stream from where the backup ends
      WireBaseBackup.createSlot(wire, major, slot != null ? slot : WireBaseBackup.temporarySlotName("lockplane_golden_"),
          slot == null);
      try (WireBaseBackup bb = WireBaseBackup.start(wire, WireBaseBackup.command("lockplane golden", major, false),
          major < 15)) {
        stage = "receiving the data directory";
        extract(bb.archive(), data);
        stage = "finishing the base backup";
        byte[] manifest = bb.finish();
        Files.write(data.resolve("backup_manifest"), manifest, StandardOpenOption.CREATE_NEW);
      }
    } catch (PgWire.ServerError e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "The base backup of " + src + " failed while " + stage
          + ": the server said: " + redact(src, e.getMessage()) + ". Check that max_wal_senders allows one more"
          + " connection" + (slot != null ? " and that no slot named " + slot + " exists already" : "") + ".", e);
    } catch (IOException e) {
      boolean full = String.valueOf(e.getMessage()).contains("No space left on device");
      throw new LockplaneException(full ? ErrorCode.DISK_FULL : ErrorCode.DATABASE_ERROR, "The base backup of " + src
          + " failed while " + stage + ": " + redact(src, String.valueOf(e.getMessage()))
          + (full ? ". The store is full: give it more space." : "."), e);
    }
    return Instant.now();
  }

  /**
   * Writes a base backup's tar archive into a new data directory: directories and files with the
   * modes the server sent. Anything else (a tablespace's link) and any name that would leave the
   * directory are refused.
   */
  static void extract(InputStream archive, Path data) throws IOException {
    Path root = data.toAbsolutePath().normalize();
    Files.createDirectories(root);
    Posix.chmod(root, "rwx------");
    TarArchiveInputStream tar = new TarArchiveInputStream(archive);
    byte[] buf = new byte[1 << 20];
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      String name = WireBaseBackup.entryPath(e.getName());
      if (name.isEmpty()) {
        continue;
      }
      Path target = root.resolve(name).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new IOException("the server sent an entry named '" + name + "', outside the data directory");
      }
      int mode = e.getMode() & 0777;
      if (e.isDirectory()) {
        Files.createDirectories(target);
        Posix.chmod(target, mode);
      } else if (e.isFile()) {
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          int n;
          while ((n = tar.read(buf)) > 0) {
            out.write(buf, 0, n);
          }
        }
        Posix.chmod(target, mode);
      } else {
        throw new IOException("the server sent '" + name + "', neither a file nor a directory (a tablespace outside the"
            + " data directory?); physical goldens of such clusters are not supported: read the source logically");
      }
    }
  }

  private static String redact(Source src, String text) {
    String out = JdbcUrls.redact(text);
    return src.password() == null ? out : out.replace(src.password(), "***");
  }
}
