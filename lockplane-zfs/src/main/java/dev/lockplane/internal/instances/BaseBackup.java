package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.postgres.Installation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A base backup of a reachable server over the replication protocol into an empty data directory:
 * {@code pg_basebackup -Fp -X stream} of the source's major version. The role needs the {@code
 * REPLICATION} attribute and a {@code pg_hba.conf} line for the {@code replication} database; no
 * file access to the source. The password reaches {@code pg_basebackup} only through {@code
 * PGPASSWORD} and appears in no message.
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

  /** Where the source is and how to log in; the password is never part of {@link #toString()}. */
  record Source(String host, int port, String user, String password) {
    static Source of(Golden.FromServer fs) {
      String jdbc = JdbcUrls.toJdbc(fs.url());
      URI u = URI.create(jdbc.substring("jdbc:".length()));
      String pw = fs.password() != null ? fs.password() : JdbcUrls.passwordOf(fs.url());
      return new Source(u.getHost() == null ? "localhost" : u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), fs.user(), pw);
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
    return new org.postgresql.Driver().connect("jdbc:postgresql://" + src.host() + ":" + src.port() + "/postgres", props);
  }

  /** Says which of the usual causes stopped a replication connection, without the password. */
  static LockplaneException connectFailure(Source src, SQLException e) {
    String state = String.valueOf(e.getSQLState());
    String msg = JdbcUrls.redact(String.valueOf(e.getMessage()));
    if (src.password() != null) {
      msg = msg.replace(src.password(), "***");
    }
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

  /** Finds {@code pg_basebackup} of a major version where Debian and the PGDG packages put it. */
  static Path tool(int major, Source src) {
    Installation machine = new Installation(Path.of("/usr/lib/postgresql", String.valueOf(major), "bin"), major,
        String.valueOf(major), "the machine");
    return machine.tool("pg_basebackup").orElseThrow(() -> new LockplaneException(ErrorCode.BINARIES_NOT_FOUND,
        "No pg_basebackup for PostgreSQL " + major + " (the version of " + src + ") was found in /usr/lib/postgresql/"
            + major + "/bin or /usr/pgsql-" + major + "/bin. It must match the source's major version: install"
            + " postgresql-client-" + major + " (Debian/Ubuntu)."));
  }

  /**
   * Streams a base backup into {@code data}, which must not exist yet.
   *
   * @param src the source
   * @param major its major version (see {@link #probe})
   * @param data the data directory to create
   * @param slot a physical replication slot to create for a standby, or {@code null}
   * @return when the backup ended: its data is consistent as of about then
   */
  static Instant run(Source src, int major, Path data, String slot) {
    Path tool = tool(major, src);
    List<String> cmd = new ArrayList<>(List.of(tool.toString(), "-h", src.host(), "-p", String.valueOf(src.port()),
        "-U", src.user(), "--no-password", "-D", data.toString(), "-F", "p", "-X", "stream", "-c", "fast",
        "-l", "lockplane golden"));
    if (slot != null) {
      cmd.addAll(List.of("-C", "-S", slot));
    }
    ProcessRunner.Result r;
    try {
      r = ProcessRunner.run(cmd, null, src.password() == null ? Map.of("PGAPPNAME", "lockplane-golden")
          : Map.of("PGPASSWORD", src.password(), "PGAPPNAME", "lockplane-golden"), Duration.ofHours(24));
    } catch (IOException e) {
      throw new LockplaneException(ErrorCode.BINARIES_NOT_FOUND, "Cannot run " + tool + ": " + e.getMessage(), e);
    }
    if (!r.ok()) {
      String out = JdbcUrls.redact(r.output().strip());
      if (src.password() != null) {
        out = out.replace(src.password(), "***");
      }
      boolean full = out.contains("No space left on device");
      throw new LockplaneException(full ? ErrorCode.DISK_FULL : ErrorCode.DATABASE_ERROR,
          "The base backup of " + src + " failed (pg_basebackup exit code " + r.exitCode() + "): " + out
              + (full ? ". The store is full: give it more space." : ". Check that max_wal_senders allows one more"
              + " connection" + (slot != null ? " and that no slot named " + slot + " exists already" : "") + "."));
    }
    return Instant.now();
  }
}
