package dev.lockplane.internal.instances;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.postgres.ClusterCache;
import dev.lockplane.internal.postgres.Postmasters;
import dev.lockplane.internal.postgres.Reaper;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Starts a clone's server on its port, gives it its role, and hands over servers of dead managers. */
final class ServerStarter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PORT_ATTEMPTS = 5;

  private final ManagerConfig cfg;
  private final Path runtimeDir;
  private final PortPool ports;

  ServerStarter(ManagerConfig cfg, Path runtimeDir, PortPool ports) {
    this.cfg = cfg;
    this.runtimeDir = runtimeDir;
    this.ports = ports;
  }

  /**
   * Starts the server of a clone on {@code e.port} (taken from the pool by the caller), moving to
   * another port of the pool if a foreign process took it.
   */
  CloneServer start(Entry e, Path data) {
    removeStalePidFile(data);
    LockplaneException last = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      try {
        LocalPostgres.Builder b = LocalPostgres.builder()
            .version(cfg.version())
            .dataDirectory(data)
            .port(e.port)
            .runtimeDirectory(runtimeDir)
            .durable(false)
            .startTimeout(cfg.startTimeout());
        cfg.settings().forEach(b::setting);
        return new CloneServer.Owned(b.start());
      } catch (LockplaneException ex) {
        last = ex;
        if (ex.code() != ErrorCode.PORT_IN_USE) {
          throw ex;
        }
        int taken = e.port;
        e.port = ports.take(e.name);
        ports.release(taken);
      }
    }
    throw last;
  }

  /**
   * A data directory cloned from a snapshot of a running server holds that server's
   * {@code postmaster.pid}; PostgreSQL would refuse to start while that pid lives.
   */
  private static void removeStalePidFile(Path data) {
    long pid = Postmasters.pidFileOwner(data);
    if (pid > 0 && Postmasters.isPostmasterOf(pid, data)) {
      throw new LockplaneException(
          ErrorCode.DATA_DIRECTORY_IN_USE, "Data directory " + data + " is served by a running postmaster (pid " + pid + ").");
    }
    try {
      Files.deleteIfExists(data.resolve("postmaster.pid"));
    } catch (IOException ex) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot remove the stale postmaster.pid in " + data + ": " + ex, ex);
    }
  }

  /** Creates the clone's own role, or gives it back its password after a reset to another snapshot. */
  void ensureRole(Entry e) {
    try (Connection c = superuserConnection(e)) {
      boolean exists;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, e.user);
        try (ResultSet rs = ps.executeQuery()) {
          exists = rs.next();
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute((exists ? "ALTER" : "CREATE") + " ROLE \"" + e.user + "\" LOGIN SUPERUSER PASSWORD '" + e.password + "'");
      }
    } catch (SQLException ex) {
      throw new LockplaneException(
          ErrorCode.DATABASE_ERROR, "Cannot create the role of clone " + e.name + " on port " + e.port + ": " + ex.getMessage(), ex);
    }
  }

  /** Connects as the cluster's superuser, with the password kept in the data directory. */
  Connection superuserConnection(Entry e) throws SQLException {
    Path data = cfg.storage().path(e.volume).resolve("data");
    String pw;
    try {
      pw = Files.readString(data.resolve(ClusterCache.PASSWORD_FILE)).trim();
    } catch (IOException ex) {
      throw new SQLException("cannot read the superuser password of " + data + ": " + ex, ex);
    }
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", pw);
    p.setProperty("connectTimeout", "10");
    p.setProperty("ApplicationName", "lockplane");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + e.port + "/" + e.database, p);
  }

  /**
   * Takes over a server started by a dead manager: removes its record from the runtime directory,
   * where the next server start of this JVM would otherwise find its owner dead and stop it.
   */
  void adopt(Path data) {
    Path instances = runtimeDir.resolve("instances");
    if (!Files.isDirectory(instances)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(instances)) {
      for (Path dir : dirs) {
        Path rec = dir.resolve(Reaper.RECORD);
        if (!Files.isRegularFile(rec)) {
          continue;
        }
        try {
          JsonNode n = JSON.readTree(rec.toFile());
          if (data.toString().equals(n.path("dataDirectory").asText())) {
            Files.deleteIfExists(rec);
          }
        } catch (IOException ignored) {
          // an unreadable record is not ours to judge
        }
      }
    } catch (IOException ex) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot scan " + instances + ": " + ex, ex);
    }
  }
}
