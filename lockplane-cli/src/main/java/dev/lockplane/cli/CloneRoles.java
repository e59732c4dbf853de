package dev.lockplane.cli;

import dev.lockplane.CloneException;
import dev.lockplane.ErrorCode;
import dev.lockplane.clone.Clone;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.internal.sql.JdbcUrls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The login role of {@code lockplane clone create --clone-user}: a role with the user's password
 * that owns the clone's database and everything in it.
 *
 * <p>Database clones: the role lives on the store's server, marked by its comment as the role of
 * one clone database, which is how later commands find it; a reset (a new copy of the snapshot)
 * hands the copy to it again, a snapshot hands the copy it took back to the server's role, and
 * destroy drops it. Instance clones: the role lives inside the clone's own server; as a reset
 * rolls the data directory back, its SCRAM verifier (never the password) is kept in the store's
 * state directory and the role is made again from it.
 */
final class CloneRoles {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final String MARK = "lockplane: login role of clone database ";

  private CloneRoles() {}

  /** Checks a role name before anything is made: a plain lower-case SQL name, not a reserved one. */
  static String checkName(String role) {
    if (!NAME.matcher(role).matches() || role.startsWith("pg_")) {
      throw new IllegalArgumentException("'" + role + "' is not a role name this command makes: use lower-case letters,"
          + " digits and '_', starting with a letter or '_', at most 63 characters, not starting with pg_");
    }
    return role;
  }

  /**
   * Makes the role and hands the clone to it; on failure the clone is destroyed and the role, if
   * made here, dropped, so that nothing of the attempt is left.
   */
  static void create(CloneStoreOptions.Opened o, Clone c, String role, String password) {
    boolean made = false;
    try (Connection conn = c.dataSource().getConnection()) {
      String comment = comment(conn, role);
      if (comment != null && !(mark(c).equals(comment) && !o.instances())) {
        throw new CloneException(ErrorCode.ALREADY_EXISTS, c.name(), "A role named " + role + " already exists on "
            + (o.instances() ? "the clone's server" : "the server " + o.where()) + (comment.startsWith(MARK)
            ? " for another clone (" + comment.substring(MARK.length()) + ")" : " and is not one Lockplane made")
            + "; choose another --clone-user.", null);
      }
      if (comment == null) {
        exec(conn, "CREATE ROLE " + Identifiers.quote(role) + " LOGIN");
        made = true;
        exec(conn, "COMMENT ON ROLE " + Identifiers.quote(role) + " IS " + Identifiers.literal(mark(c)));
      }
      // the password is hashed here and only its SCRAM verifier goes to the server (and its log)
      conn.unwrap(org.postgresql.PGConnection.class).alterUserPassword(role, password.toCharArray(), null);
      handTo(conn, c, role);
      if (o.instances()) {
        keep(o, c, role, verifier(conn, role));
      }
    } catch (SQLException | RuntimeException e) {
      try {
        c.destroy();
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      if (made && !o.instances()) {
        dropQuietly(o, role);
      }
      if (e instanceof CloneException ce) {
        throw ce;
      }
      boolean denied = e instanceof SQLException se && "42501".equals(se.getSQLState());
      throw new CloneException(ErrorCode.DATABASE_ERROR, c.name(), "Cannot give clone " + c.name() + " the role " + role
          + ": " + JdbcUrls.redact(String.valueOf(e.getMessage())) + (denied ? ". The server's role needs CREATEROLE" : "")
          + ". The clone was removed; nothing of it is left.", e);
    }
  }

  /** The clone's login role, if {@code create} gave it one. */
  static Optional<String> of(CloneStoreOptions.Opened o, Clone c) {
    if (o.instances()) {
      return record(o, c).map(r -> r.get("role"));
    }
    try (Connection conn = o.admin().connect();
        PreparedStatement ps = conn.prepareStatement("SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') = ?")) {
      ps.setString(1, mark(c));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(c, "find the login role of", e);
    }
  }

  /** The login roles of several clones, by clone name (clones without one are absent); one query on a server. */
  static Map<String, String> of(CloneStoreOptions.Opened o, List<? extends Clone> clones) {
    Map<String, String> out = new LinkedHashMap<>();
    if (clones.isEmpty()) {
      return out;
    }
    if (o.instances()) {
      clones.forEach(c -> record(o, c).ifPresent(r -> out.put(c.name(), r.get("role"))));
      return out;
    }
    Map<String, String> byMark = new LinkedHashMap<>();
    try (Connection conn = o.admin().connect(); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles WHERE starts_with(coalesce("
            + "shobj_description(oid, 'pg_authid'), ''), " + Identifiers.literal(MARK) + ")")) {
      while (rs.next()) {
        byMark.put(rs.getString(2), rs.getString(1));
      }
    } catch (SQLException e) {
      throw failure(clones.get(0), "find the login roles of", e);
    }
    clones.forEach(c -> {
      String role = byMark.get(mark(c));
      if (role != null) {
        out.put(c.name(), role);
      }
    });
    return out;
  }

  /** After a reset: the fresh copy goes to the role again (an instance clone's role is made again first). */
  static void restore(CloneStoreOptions.Opened o, Clone c, String role) {
    try (Connection conn = c.dataSource().getConnection()) {
      if (o.instances() && comment(conn, role) == null) {
        String verifier = record(o, c).map(r -> r.get("verifier")).orElseThrow();
        exec(conn, "CREATE ROLE " + Identifiers.quote(role) + " LOGIN PASSWORD " + Identifiers.literal(verifier));
        exec(conn, "COMMENT ON ROLE " + Identifiers.quote(role) + " IS " + Identifiers.literal(mark(c)));
      }
      handTo(conn, c, role);
    } catch (SQLException e) {
      throw failure(c, "give the reset copy to " + role + " of", e);
    }
  }

  /**
   * After a snapshot of a database clone: the snapshot's objects go back to the server's role, so
   * that the clone's role neither reaches into clones made from it nor stays needed by it.
   */
  static void afterSnapshot(CloneStoreOptions.Opened o, Clone c, String role) {
    if (!o.instances()) {
      handBackElsewhere(o, c, role);
    }
  }

  /** After destroy: drops a database clone's role (an instance clone's went with its server). */
  static void drop(CloneStoreOptions.Opened o, Clone c, String role) {
    if (o.instances()) {
      try {
        Files.deleteIfExists(file(o, c));
      } catch (IOException e) {
        throw new CloneException(ErrorCode.IO_ERROR, c.name(), "Cannot remove the role record " + file(o, c) + ": "
            + e.getMessage() + ". Remove it by hand.", e);
      }
      return;
    }
    handBackElsewhere(o, c, role);
    try (Connection conn = o.admin().connect()) {
      exec(conn, "DROP ROLE IF EXISTS " + Identifiers.quote(role));
    } catch (SQLException e) {
      throw failure(c, "drop the role " + role + " of", e);
    }
  }

  private static String mark(Clone c) {
    return MARK + JdbcUrls.databaseOf(c.jdbcUrl());
  }

  /** The role's comment, "" for a role without one, or null when there is no such role. */
  private static String comment(Connection conn, String role) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT coalesce(shobj_description(oid, 'pg_authid'), '') FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String verifier(Connection conn, String role) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** The clone's database and, inside it, every schema, relation, routine and type outside the system's. */
  private static void handTo(Connection conn, Clone c, String role) throws SQLException {
    boolean superuser;
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      superuser = rs.next() && rs.getBoolean(1);
    }
    if (!superuser) {
      // ALTER ... OWNER TO needs membership in the new owner; CREATEROLE lets the maker grant it
      exec(conn, "GRANT " + Identifiers.quote(role) + " TO CURRENT_USER");
    }
    exec(conn, "ALTER DATABASE " + Identifiers.quote(JdbcUrls.databaseOf(c.jdbcUrl())) + " OWNER TO " + Identifiers.quote(role));
    exec(conn, ownership(role, null));
  }

  /**
   * A DO block giving the objects of the current database to {@code target}: all of them, or with
   * {@code from} those of that role. Members of extensions and sequences that belong to a column
   * are left alone (they follow their extension and table).
   */
  static String ownership(String target, String from) {
    String t = Identifiers.literal(target);
    String only = from == null ? "" : " AND %s = to_regrole(" + Identifiers.literal(from) + ")::oid";
    String notSystem = " AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";
    String notExtension = " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '%s'::regclass AND d.objid = %s"
        + " AND d.deptype = 'e')";
    return "DO $lockplane$ DECLARE r record; BEGIN FOR r IN "
        + "SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, " + t + ") AS q FROM pg_namespace n WHERE true"
        + notSystem + " AND n.nspowner <> coalesce(to_regrole('pg_database_owner')::oid, 0)" + only.formatted("n.nspowner")
        + notExtension.formatted("pg_namespace", "n.oid")
        + " UNION ALL SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'"
        + " WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass, " + t + ")"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
        + notSystem + only.formatted("c.relowner") + notExtension.formatted("pg_class", "c.oid")
        + " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
        + " AND d.objid = c.oid AND d.deptype IN ('a', 'i')))"
        + " UNION ALL SELECT format('ALTER %s %s OWNER TO %I', CASE p.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END,"
        + " p.oid::regprocedure, " + t + ") FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE true"
        + notSystem + only.formatted("p.proowner") + notExtension.formatted("pg_proc", "p.oid")
        + " UNION ALL SELECT format('ALTER %s %s OWNER TO %I', CASE ty.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,"
        + " ty.oid::regtype, " + t + ") FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace"
        + " WHERE ty.typtype IN ('e', 'd', 'r', 'c') AND (ty.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid"
        + " = ty.typrelid) = 'c')" + notSystem + only.formatted("ty.typowner") + notExtension.formatted("pg_type", "ty.oid")
        + " LOOP EXECUTE r.q; END LOOP; END $lockplane$";
  }

  /**
   * Gives back to the server's role what {@code role} owns in databases other than the clone's
   * (the copies a snapshot took): those are templates closed to connections, opened for the time
   * it takes.
   */
  private static void handBackElsewhere(CloneStoreOptions.Opened o, Clone c, String role) {
    String own = JdbcUrls.databaseOf(c.jdbcUrl());
    List<String> databases = new ArrayList<>();
    try (Connection conn = o.admin().connect(); PreparedStatement ps = conn.prepareStatement(
        "SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid"
            + " WHERE s.refclassid = 'pg_authid'::regclass AND s.refobjid = to_regrole(?)::oid AND d.datname <> ? ORDER BY 1")) {
      ps.setString(1, role);
      ps.setString(2, own);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          databases.add(rs.getString(1));
        }
      }
      for (String db : databases) {
        boolean closed;
        try (PreparedStatement q = conn.prepareStatement("SELECT NOT datallowconn FROM pg_database WHERE datname = ?")) {
          q.setString(1, db);
          try (ResultSet rs = q.executeQuery()) {
            closed = rs.next() && rs.getBoolean(1);
          }
        }
        if (closed) {
          exec(conn, "ALTER DATABASE " + Identifiers.quote(db) + " WITH ALLOW_CONNECTIONS true");
        }
        try (Connection in = o.admin().connect(db)) {
          try (Statement s = in.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            exec(in, ownership(rs.getString(1), role));
          }
        } finally {
          if (closed) {
            exec(conn, "ALTER DATABASE " + Identifiers.quote(db) + " WITH ALLOW_CONNECTIONS false");
          }
        }
      }
    } catch (SQLException e) {
      throw failure(c, "give back what the role " + role + " owns beside", e);
    }
  }

  private static void dropQuietly(CloneStoreOptions.Opened o, String role) {
    try (Connection conn = o.admin().connect()) {
      exec(conn, "DROP ROLE IF EXISTS " + Identifiers.quote(role));
    } catch (SQLException | RuntimeException e) {
      // the clone's failure is the one to report; the role stays marked for a later look
    }
  }

  private static CloneException failure(Clone c, String what, SQLException e) {
    return new CloneException(ErrorCode.DATABASE_ERROR, c.name(), "Cannot " + what + " clone " + c.name() + ": "
        + JdbcUrls.redact(String.valueOf(e.getMessage())) + ".", e);
  }

  private static void exec(Connection conn, String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  // --- the role records of instance clones ---------------------------------------------------

  private static Path file(CloneStoreOptions.Opened o, Clone c) {
    return o.roles().resolve(c.name() + ".json");
  }

  private static void keep(CloneStoreOptions.Opened o, Clone c, String role, String verifier) {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("role", role);
    r.put("verifier", verifier);
    Path target = file(o, c);
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), ".role", ".json",
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, Json.write(r), StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CloneException(ErrorCode.IO_ERROR, c.name(), "Cannot write the role record " + target + ": "
          + e.getMessage() + ". Check that the store's state directory is writable.", e);
    }
  }

  private static Optional<Map<String, String>> record(CloneStoreOptions.Opened o, Clone c) {
    Path f = file(o, c);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      var node = Json.read(Files.readString(f, StandardCharsets.UTF_8));
      return Optional.of(Map.of("role", node.get("role").asText(), "verifier", node.get("verifier").asText()));
    } catch (IOException | RuntimeException e) {
      throw new CloneException(ErrorCode.IO_ERROR, c.name(), "Cannot read the role record " + f + ": " + e.getMessage()
          + ". Destroy the clone and create it again.", e);
    }
  }

  /** Connections to the store's server as its role (database clones). */
  interface Admin {
    /** Connects to the database the store's URL names. */
    Connection connect() throws SQLException;

    /** Connects to another database of the server. */
    Connection connect(String database) throws SQLException;

    /** The admin connections of a server, for a JDBC URL and its role. */
    static Admin of(String jdbcUrl, String user, String password) {
      return new Admin() {
        @Override
        public Connection connect() throws SQLException {
          return DriverManager.getConnection(jdbcUrl, user, password);
        }

        @Override
        public Connection connect(String database) throws SQLException {
          return DriverManager.getConnection(JdbcUrls.withDatabase(jdbcUrl, database), user, password);
        }

        @Override
        public String toString() {
          return "server " + JdbcUrls.redact(jdbcUrl) + " as " + user;
        }
      };
    }
  }
}
