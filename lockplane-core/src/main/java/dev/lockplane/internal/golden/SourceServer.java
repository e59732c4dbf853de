package dev.lockplane.internal.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.internal.clone.Secrets;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.internal.wire.PgTls;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The source server of a logical golden as JDBC sees it: connecting with a message that says what
 * went wrong (unreachable, refused password, no {@code CONNECT}), its version, and the rights a
 * {@code pg_dump} needs, checked before it runs so that a missing right is named.
 */
final class SourceServer {
  /** System schemas and extension members are not dumped, so their rights do not matter. */
  private static final String DUMPED = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
      + " AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
      + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
      + " AND d.deptype = 'e')";
  private static final String DUMPED_RELATIONS = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE " + DUMPED;

  final String jdbcUrl;
  final String user;
  final String password;
  /** The source for messages: its URL without secrets. */
  final String where;
  final String database;
  /**
   * The URL's TLS when it names a client certificate (which the JDBC driver alone cannot read as
   * libpq does), else {@code null}.
   */
  final PgTls clientTls;

  SourceServer(Golden.FromServer source) {
    this.jdbcUrl = JdbcUrls.toJdbc(source.url());
    this.user = source.user();
    this.password = source.password() != null ? source.password() : JdbcUrls.passwordOf(source.url());
    this.where = source.redactedUrl();
    this.database = JdbcUrls.databaseOf(jdbcUrl);
    if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "'" + where + "' is not a PostgreSQL URL; give postgres://host:5432/db or jdbc:postgresql://host:5432/db.");
    }
    try {
      this.clientTls = PgTls.given(source.url()).filter(t -> t.client() != null).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The golden source " + where + ": " + e.getMessage() + ".");
    }
  }

  /** A client certificate's files as libpq is given them. */
  record ClientFiles(Path cert, Path key) {}

  /**
   * Gives a libpq tool the client certificate: a copy of the certificate and an unencrypted PEM key
   * (libpq reads no other format and cannot be given {@code sslpassword} without showing it on a
   * command line) in a private directory the caller removes.
   *
   * @param privateDir a directory only this process's user can enter
   * @return the files, or empty without a client certificate
   */
  Optional<ClientFiles> clientFilesFor(Path privateDir) {
    if (clientTls == null) {
      return Optional.empty();
    }
    ClientFiles files = new ClientFiles(privateDir.resolve("client.crt"), privateDir.resolve("client.key"));
    try {
      clientTls.client().writePem(files.cert(), files.key());
    } catch (java.io.IOException e) {
      throw new LockplaneException(ErrorCode.IO_ERROR, "Cannot write the client certificate for pg_dump into "
          + privateDir + ": " + e.getMessage(), e);
    }
    return Optional.of(files);
  }

  /** The URL's connection properties as the driver reads them (host, port, database, parameters). */
  Properties urlProperties() {
    Properties p = org.postgresql.Driver.parseURL(jdbcUrl, new Properties());
    if (p == null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "'" + where + "' is not a valid PostgreSQL URL; give postgres://host:5432/db or jdbc:postgresql://host:5432/db.");
    }
    return p;
  }

  /** Connects, or says why not in words that point at the fix. */
  Connection connect() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    try {
      ds.setURL(jdbcUrl);
    } catch (IllegalArgumentException e) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "'" + where + "' is not a valid PostgreSQL URL.");
    }
    ds.setUser(user);
    if (password != null) {
      ds.setPassword(password);
    }
    ds.setConnectTimeout(15);
    ds.setApplicationName("lockplane-golden");
    try {
      if (clientTls != null) {
        Properties p = new Properties();
        clientTls.applyTo(p);
        for (String name : p.stringPropertyNames()) {
          ds.setProperty(name, p.getProperty(name));
        }
      }
      return ds.getConnection();
    } catch (SQLException e) {
      throw connectFailure(e);
    }
  }

  private LockplaneException connectFailure(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String msg = Secrets.scrub(clientTls == null ? e.getMessage()
        : clientTls.clientCertificateRefused(e).orElse(e.getMessage()), password);
    String advice;
    if (state.equals("28P01")) {
      advice = "The server refused the password of role '" + user + "'. Check the user and password.";
    } else if (state.equals("28000")) {
      advice = "The server does not let role '" + user + "' in (no such role, or pg_hba.conf has no entry for it)."
          + " Check the user, or ask for access.";
    } else if (state.equals("42501")) {
      advice = "Role '" + user + "' has no CONNECT on database " + database + ". Grant it: GRANT CONNECT ON DATABASE "
          + database + " TO " + user + ";";
    } else if (state.equals("3D000")) {
      advice = "Database " + database + " does not exist there. Check the database in the URL.";
    } else if (state.startsWith("08")) {
      advice = "The source is unreachable. Check that the server runs and that host and port are right.";
    } else {
      advice = "Check the URL, user and password.";
    }
    return new LockplaneException(ErrorCode.DATABASE_ERROR,
        "Cannot read the golden's source " + where + " as " + user + ": " + msg + ". " + advice,
        Secrets.cause(e, password));
  }

  /** Wraps a failed query on the source. */
  LockplaneException failure(String what, SQLException e) {
    return new LockplaneException(ErrorCode.DATABASE_ERROR,
        "Cannot " + what + " on the golden's source " + where + ": " + Secrets.scrub(e.getMessage(), password) + ".",
        Secrets.cause(e, password));
  }

  /** The server's major version (13, 15, 18). */
  static int majorVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
      rs.next();
      return Integer.parseInt(rs.getString(1).trim()) / 10000;
    }
  }

  /**
   * Checks that the role may read everything {@code pg_dump} reads: {@code USAGE} on schemas and
   * {@code SELECT} on tables and sequences.
   *
   * @throws LockplaneException naming each missing right (the first twenty) and the grant that gives it
   */
  void checkRights(Connection c) throws SQLException {
    List<String> missing = new ArrayList<>();
    String schemas = "SELECT DISTINCT n.nspname " + DUMPED_RELATIONS
        + " AND NOT has_schema_privilege(n.oid, 'USAGE') ORDER BY 1 LIMIT 20";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(schemas)) {
      while (rs.next()) {
        missing.add("no USAGE on schema " + rs.getString(1));
      }
    }
    String relations = "SELECT n.nspname, c.relname, c.relkind " + DUMPED_RELATIONS
        + " AND c.relkind IN ('r', 'p', 'S') AND has_schema_privilege(n.oid, 'USAGE')"
        + " AND NOT has_table_privilege(c.oid, 'SELECT') ORDER BY 1, 2 LIMIT 20";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(relations)) {
      while (rs.next()) {
        missing.add("no SELECT on " + ("S".equals(rs.getString(3)) ? "sequence " : "table ")
            + rs.getString(1) + "." + rs.getString(2));
      }
    }
    if (!missing.isEmpty()) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR,
          "Role '" + user + "' lacks rights pg_dump needs on " + where + ": " + String.join(", ", missing)
              + ". Grant them (for example GRANT USAGE ON SCHEMA s TO " + user + "; GRANT SELECT ON ALL TABLES IN"
              + " SCHEMA s TO " + user + "; GRANT SELECT ON ALL SEQUENCES IN SCHEMA s TO " + user
              + "; or GRANT pg_read_all_data TO " + user + " on PostgreSQL 14+), or use a role that has them.");
    }
  }

  /** The roles that privileges on dumped relations and schemas are granted to, sorted ({@code PUBLIC} included). */
  static List<String> grantees(Connection c) throws SQLException {
    String sql = "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END "
        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a WHERE " + DUMPED
        + " AND a.grantee <> c.relowner"
        + " UNION SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END"
        + " FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
        + " AND n.nspname NOT LIKE 'pg\\_%' AND a.grantee <> n.nspowner"
        // every new database grants USAGE on public to PUBLIC: nothing is lost there
        + " AND NOT (n.nspname = 'public' AND a.grantee = 0) ORDER BY 1";
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
