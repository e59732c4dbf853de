package dev.lockplane.cli;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Snapshot;
import dev.lockplane.instances.InstanceClone;
import dev.lockplane.internal.sql.JdbcUrls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How clones and snapshots are shown: connection strings, ages, sizes, and their JSON (stable keys). */
final class CloneViews {
  private CloneViews() {}

  /** The libpq URL of a clone, with its user and without a password: what psql and most drivers take. */
  static String postgresUrl(Clone c) {
    return postgresUrl(c, c.user());
  }

  /** The libpq URL of a clone for another user (its login role). */
  static String postgresUrl(Clone c, String role) {
    String jdbc = c.jdbcUrl();
    String rest = jdbc.substring("jdbc:postgresql://".length());
    String user = role == null || role.isEmpty() ? "" : URLEncoder.encode(role, StandardCharsets.UTF_8) + "@";
    return JdbcUrls.redact("postgres://" + user + rest);
  }

  /** A duration as people read it: 42s, 5m, 3h, 2d. */
  static String age(Duration d) {
    long s = d.getSeconds();
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    if (s < 172_800) {
      return s / 3600 + "h";
    }
    return s / 86_400 + "d";
  }

  /** A byte count as people read it. */
  static String bytes(Long n) {
    if (n == null) {
      return "-";
    }
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * The sizes of database clones, by clone name, asked once over the first clone's connection;
   * empty for instance clones (they know their own) or when the server does not answer.
   */
  static Map<String, Long> databaseSizes(List<? extends Clone> clones) {
    Map<String, Long> out = new HashMap<>();
    List<? extends Clone> dbs = clones.stream().filter(c -> !(c instanceof InstanceClone)).toList();
    if (dbs.isEmpty()) {
      return out;
    }
    Map<String, String> byDatabase = new HashMap<>();
    dbs.forEach(c -> byDatabase.put(JdbcUrls.databaseOf(c.jdbcUrl()), c.name()));
    try (Connection conn = dbs.get(0).dataSource().getConnection();
        PreparedStatement ps = conn.prepareStatement(
            "SELECT datname, pg_database_size(datname) FROM pg_database WHERE datname = ANY (?)")) {
      Array names = conn.createArrayOf("text", byDatabase.keySet().toArray());
      ps.setArray(1, names);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(byDatabase.get(rs.getString(1)), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      // sizes are a courtesy of list: without them the clones are still listed
    }
    return out;
  }

  /** A clone as JSON; the password only when asked for. */
  static Map<String, Object> json(Clone c, Long size, boolean withPassword) {
    return json(c, size, withPassword, c.user());
  }

  /** A clone as JSON, for {@code user} (its login role, or the clone's own user); the password only when asked for. */
  static Map<String, Object> json(Clone c, Long size, boolean withPassword, String user) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("state", c instanceof InstanceClone ic ? ic.state().name().toLowerCase(Locale.ROOT) : "ok");
    m.put("snapshot", c.snapshot().name());
    m.put("dataStateAt", c.snapshot().dataStateAt().toString());
    m.put("createdAt", c.createdAt().toString());
    m.put("url", postgresUrl(c, user));
    m.put("jdbcUrl", JdbcUrls.redact(c.jdbcUrl()));
    m.put("user", user);
    m.put("database", JdbcUrls.databaseOf(c.jdbcUrl()));
    if (c instanceof InstanceClone ic) {
      m.put("port", ic.port());
      m.put("size", ic.logicalSize());
      m.put("ownUsage", ic.diskUsage().used());
      m.put("protected", ic.isProtected());
      ic.failure().ifPresent(f -> m.put("failure", f));
    } else {
      m.put("size", size);
      m.put("ownUsage", null);
    }
    if (withPassword) {
      m.put("password", c.password());
    }
    return m;
  }

  /** A snapshot as JSON. */
  static Map<String, Object> json(Snapshot s, boolean golden) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("golden", golden);
    m.put("description", s.description());
    m.put("createdAt", s.createdAt().toString());
    m.put("dataStateAt", s.dataStateAt().toString());
    return m;
  }
}
