package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.internal.wire.PgTls;
import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads where a database stands in Lockplane's apply history ({@code lockplane.history}, SQLite
 * {@code lockplane_history}) with plain SQL: the last applied migration's id and resulting schema
 * hash, and how many applies succeeded. Recorded in each backup's manifest attributes, so that a
 * backup can be placed against the live database later (“3 migrations behind”) without the planner.
 */
public final class MigrationState {
  /** Attribute key prefixes; the database name follows the dot. */
  public static final String LAST = "lastMigration.";
  /** The schema hash the last applied migration left. */
  public static final String LAST_HASH = "lastMigrationHash.";
  /** The number of applied migrations. */
  public static final String COUNT = "migrations.";
  /** The schema hash of the database when the backup was taken, when the caller knew it. */
  public static final String SCHEMA_HASH = "schemaHash.";

  private MigrationState() {}

  /**
   * The last applied migration of a database.
   *
   * @param id its history id, or -1 when none was applied
   * @param resultHash the schema hash it left, or null
   * @param applied how many applies succeeded
   */
  public record Last(long id, String resultHash, long applied) {}

  /**
   * Reads a database's history; a database without the table has applied nothing.
   *
   * @param c a connection to the database
   * @param sqlite whether it is SQLite
   * @return the last applied migration
   * @throws SQLException when a query fails
   */
  public static Last read(Connection c, boolean sqlite) throws SQLException {
    String exists = sqlite ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'lockplane_history'"
        : "SELECT count(*) FROM pg_class WHERE oid = to_regclass('lockplane.history')";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(exists)) {
      rs.next();
      if (rs.getInt(1) == 0) {
        return new Last(-1, null, 0);
      }
    }
    String table = sqlite ? "lockplane_history" : "lockplane.history";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT h.id, h.result_hash, "
        + "(SELECT count(*) FROM " + table + " WHERE outcome = 'applied') FROM " + table
        + " h WHERE h.outcome = 'applied' ORDER BY h.id DESC LIMIT 1")) {
      return rs.next() ? new Last(rs.getLong(1), rs.getString(2), rs.getLong(3)) : new Last(-1, null, 0);
    }
  }

  /**
   * Counts the migrations a database applied after a history id.
   *
   * @param c a connection to the database
   * @param sqlite whether it is SQLite
   * @param afterId the history id
   * @return the number of applied migrations with a larger id
   * @throws SQLException when a query fails
   */
  public static long appliedAfter(Connection c, boolean sqlite, long afterId) throws SQLException {
    if (read(c, sqlite).id() < 0) {
      return 0;
    }
    try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM " + (sqlite ? "lockplane_history"
        : "lockplane.history") + " WHERE outcome = 'applied' AND id > ?")) {
      p.setLong(1, afterId);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Reads one PostgreSQL database's state on a connection the caller holds (a backup reads it on
   * the connection it opened to that database anyway).
   *
   * @param database the database's name
   * @param c a connection to it
   * @return the attributes
   * @throws SQLException when a query fails
   */
  public static Map<String, String> postgres(String database, Connection c) throws SQLException {
    return attributes(database, read(c, false));
  }

  /** The manifest attributes that record one database's state. */
  static Map<String, String> attributes(String database, Last last) {
    Map<String, String> out = new TreeMap<>();
    out.put(LAST + database, String.valueOf(last.id()));
    out.put(COUNT + database, String.valueOf(last.applied()));
    if (last.resultHash() != null) {
      out.put(LAST_HASH + database, last.resultHash());
    }
    return out;
  }

  /**
   * Reads an SQLite file's state.
   *
   * @param file the database file
   * @return the attributes for database {@code main}
   */
  public static Map<String, String> sqlite(java.nio.file.Path file) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      return attributes("main", read(c, true));
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the apply history of " + file + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Reads the state of one database of a local server.
   *
   * @param pg the server
   * @param database the database
   * @return the attributes
   */
  public static Map<String, String> postgres(LocalPostgres pg, String database) {
    try (Connection c = pg.connect(database)) {
      return postgres(database, c);
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the apply history on " + pg + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Reads the state of every database of a server reached by URL.
   *
   * @param url a {@code jdbc:postgresql:} or {@code postgres://} URL
   * @param user the role, or null for the URL's
   * @param password the password, or null for the URL's
   * @return the attributes
   */
  public static Map<String, String> postgres(String url, String user, String password) {
    String jdbc = JdbcUrls.toJdbc(url);
    String role = user != null ? user : JdbcUrls.userOf(url);
    String secret = password != null ? password : JdbcUrls.passwordOf(url);
    // TLS as the backup's other connections use it (the trusted roots of sslrootcert, or the JVM's)
    PgTls tls = PgTls.given(url).orElse(null);
    try {
      Map<String, String> out = new TreeMap<>();
      for (String db : databases(connect(jdbc, role, secret, tls))) {
        try (Connection c = connect(JdbcUrls.withDatabase(jdbc, db), role, secret, tls)) {
          out.putAll(attributes(db, read(c, false)));
        } catch (SQLException e) {
          // a database this role may not enter has no state to record; the backup still holds it
        }
      }
      return out;
    } catch (SQLException e) {
      String why = tls == null ? e.getMessage() : tls.clientCertificateRefused(e).orElse(e.getMessage());
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot read the apply history at "
          + JdbcUrls.redact(url) + ": " + JdbcUrls.redact(why), e);
    }
  }

  private static Connection connect(String jdbc, String user, String password, PgTls tls) throws SQLException {
    java.util.Properties p = new java.util.Properties();
    if (tls != null) {
      tls.applyTo(p);
    }
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbc, p);
  }

  private static List<String> databases(Connection c) throws SQLException {
    try (c; Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }
}
