package dev.lockplane.internal.planner.pg;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.CopyMethod;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.clones.DatabaseClonesBuilder;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.postgres.LocalPostgres;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * A scratch database that turns desired SQL into a model: a clone of an empty golden database (or,
 * on a server started for this load alone, a database made from {@code template0}), owned by a
 * login role made for this one load (no superuser, no CREATEDB, no CREATEROLE, a random
 * password), so that the desired SQL cannot reach past it. Closing it drops the clone and the role.
 *
 * <p>The administrator's connection into the scratch database is there for the few statements a
 * database owner may not run but that stay inside the database, such as {@code CREATE EXTENSION} of
 * an untrusted extension.
 */
public final class PgScratch implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PgScratch.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The prefix of the scratch golden and clone databases on the server. */
  static final String DATABASE_PREFIX = "lp_scratch_";

  private final Admin admin;
  private final CloneManager manager;
  private final Clone clone;
  private final String database;
  private final String role;
  private final Connection connection;
  private Connection adminConnection;
  private boolean closed;

  /** Opens administrator connections to the databases of the scratch server. */
  private interface Admin {
    Connection connect(String database) throws SQLException;

    String maintenanceDatabase();
  }

  private PgScratch(Admin admin, CloneManager manager, Clone clone, String database, String role, Connection c) {
    this.admin = admin;
    this.manager = manager;
    this.clone = clone;
    this.database = database;
    this.role = role;
    this.connection = c;
  }

  /**
   * Makes a scratch database on an embedded server.
   *
   * @param server the server; the caller keeps it running
   * @return the scratch database, connected as its owner
   */
  public static PgScratch on(LocalPostgres server) {
    // by URL rather than as a LocalPostgres: the filesystem probe that describes the clone strategy
    // is not worth its cost for a database that lives for one load
    return open(admin(server), CloneManagers.databases(server.jdbcUrl("postgres"), server.user(), server.password()),
        server.majorVersion(), server.toString());
  }

  /**
   * Makes a scratch database on an embedded server started for this one load and stopped after it:
   * made straight from {@code template0}, with no golden database, no clone manager and nothing
   * dropped at close, since the server and its data go. The desired SQL still runs as a role of its
   * own without privileges.
   *
   * @param server the server; the caller stops it after closing this scratch
   * @return the scratch database, connected as its owner
   */
  public static PgScratch onThrowaway(LocalPostgres server) {
    String database = DATABASE_PREFIX + HexFormat.of().formatHex(bytes(6));
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + Identifiers.quote(database) + " TEMPLATE template0");
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot make a scratch database on " + server
          + " to turn desired SQL into a schema: " + e.getMessage(), e);
    }
    return withOwner(admin(server), null, null, database, server.jdbcUrl(database), server.majorVersion(),
        server.toString());
  }

  private static Admin admin(LocalPostgres server) {
    return new Admin() {
      @Override
      public Connection connect(String database) {
        return server.connect(database);
      }

      @Override
      public String maintenanceDatabase() {
        return "postgres";
      }
    };
  }

  /**
   * Makes a scratch database on a server reached by JDBC, as a user with CREATEDB and CREATEROLE.
   *
   * @param jdbcUrl a URL of an existing database on that server, used for administrative statements
   * @param user the user
   * @param password the password
   * @return the scratch database, connected as its owner
   */
  public static PgScratch on(String jdbcUrl, String user, String password) {
    Admin admin = new Admin() {
      @Override
      public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(JdbcUrls.withDatabase(jdbcUrl, database), user, password);
      }

      @Override
      public String maintenanceDatabase() {
        return JdbcUrls.databaseOf(jdbcUrl);
      }
    };
    int major;
    try (Connection c = admin.connect(admin.maintenanceDatabase())) {
      major = c.getMetaData().getDatabaseMajorVersion();
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot connect to the scratch server "
          + JdbcUrls.redact(jdbcUrl) + ": " + e.getMessage() + ". Check the scratch server's URL, user and password.", e);
    }
    return open(admin, CloneManagers.databases(jdbcUrl, user == null ? "" : user, password == null ? "" : password),
        major, JdbcUrls.redact(jdbcUrl));
  }

  private static PgScratch open(Admin admin, DatabaseClonesBuilder clones, int major, String where) {
    // An empty golden copies in a moment through the WAL (PostgreSQL 15+), without FILE_COPY's checkpoint.
    clones.golden(Golden.empty()).databasePrefix(DATABASE_PREFIX).adminConnections(1);
    if (major >= 15) {
      clones.copyMethod(CopyMethod.WAL_LOG);
    }
    CloneManager manager = null;
    Clone clone = null;
    try {
      manager = clones.start();
      clone = manager.create();
    } catch (RuntimeException e) {
      undo(e, clone, manager, null, null);
      throw failure(e, where);
    }
    return withOwner(admin, manager, clone, JdbcUrls.databaseOf(clone.jdbcUrl()), clone.jdbcUrl(), major, where);
  }

  /** Gives the database to a role made for this load, and connects as that role. */
  private static PgScratch withOwner(Admin admin, CloneManager manager, Clone clone, String database, String url,
      int major, String where) {
    String role = DATABASE_PREFIX + HexFormat.of().formatHex(bytes(6));
    boolean roleMade = false;
    try {
      String password = HexFormat.of().formatHex(bytes(24));
      try (Connection c = admin.connect(admin.maintenanceDatabase()); Statement s = c.createStatement()) {
        // INHERIT: on PostgreSQL 15 the owner's rights on schema public come through its implicit
        // membership of pg_database_owner, which a NOINHERIT role would not use. It is a member of nothing else.
        s.execute("CREATE ROLE " + Identifiers.quote(role)
            + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT");
        roleMade = true;
        // hashed by the driver: the password never reaches the server's statement log
        c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
        s.execute("ALTER DATABASE " + Identifiers.quote(database) + " OWNER TO " + Identifiers.quote(role));
      }
      if (major < 15) {
        // before 15 the public schema belongs to the bootstrap superuser; from 15 on, to the database owner
        try (Connection c = admin.connect(database); Statement s = c.createStatement()) {
          s.execute("ALTER SCHEMA public OWNER TO " + Identifiers.quote(role));
        }
      }
      Connection owner = DriverManager.getConnection(withoutCredentials(url), role, password);
      return new PgScratch(admin, manager, clone, database, role, owner);
    } catch (SQLException | RuntimeException e) {
      undo(e, clone, manager, admin, roleMade ? role : null);
      throw failure(e, where);
    }
  }

  private static void undo(Exception e, Clone clone, CloneManager manager, Admin admin, String role) {
    List<AutoCloseable> undo = new ArrayList<>();
    if (clone != null) {
      undo.add(clone::destroy);
    }
    if (manager != null) {
      undo.add(manager);
    }
    if (role != null) {
      undo.add(() -> dropRole(admin, role));
    }
    for (AutoCloseable step : undo) {
      try {
        step.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
    }
  }

  private static LockplaneException failure(Exception e, String where) {
    if (e instanceof LockplaneException le) {
      return le;
    }
    return new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot make a scratch database on " + where
        + " to turn desired SQL into a schema: " + e.getMessage()
        + ". The scratch server's user needs CREATEDB and CREATEROLE.", e);
  }

  /**
   * The URL without {@code user} and {@code password} parameters: the driver lets them override the
   * ones given beside the URL, and the desired SQL must run as the scratch role, not as the admin.
   */
  static String withoutCredentials(String url) {
    int q = url.indexOf('?');
    if (q < 0) {
      return url;
    }
    List<String> kept = new ArrayList<>();
    for (String param : url.substring(q + 1).split("&")) {
      String key = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
      if (!key.equalsIgnoreCase("user") && !key.equalsIgnoreCase("password") && !param.isEmpty()) {
        kept.add(param);
      }
    }
    return url.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Returns the scratch database's name. */
  public String database() {
    return database;
  }

  /** Returns the role that owns the scratch database and runs the desired SQL. */
  public String role() {
    return role;
  }

  /** Returns the connection to the scratch database as its owner; closed with this scratch. */
  public Connection connection() {
    return connection;
  }

  /**
   * Returns a connection to the scratch database as the server's administrator, opened on first
   * use and closed with this scratch, with the owner's current {@code search_path}.
   *
   * @return the connection
   * @throws SQLException if it cannot be opened
   */
  public Connection adminConnection() throws SQLException {
    if (adminConnection == null) {
      adminConnection = admin.connect(database);
    }
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('search_path')");
        var set = adminConnection.prepareStatement("SELECT set_config('search_path', ?, false)")) {
      rs.next();
      set.setString(1, rs.getString(1));
      set.execute();
    }
    return adminConnection;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    List<AutoCloseable> steps = new ArrayList<>(List.<AutoCloseable>of(connection, () -> {
      if (adminConnection != null) {
        adminConnection.close();
      }
    }));
    // on a throwaway server (no clone) the database and the role go with the server
    if (clone != null) {
      steps.addAll(List.<AutoCloseable>of(clone::destroy, manager, () -> dropRole(admin, role)));
    }
    for (AutoCloseable step : steps) {
      try {
        step.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot clean up the scratch database "
              + database + " and its role " + role + ": " + e.getMessage() + ". Drop them by hand.", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void dropRole(Admin admin, String role) throws SQLException {
    try (Connection c = admin.connect(admin.maintenanceDatabase()); Statement s = c.createStatement()) {
      s.execute("DROP ROLE IF EXISTS " + Identifiers.quote(role));
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "Cannot drop the scratch role " + role + ": " + e.getMessage());
      throw e;
    }
  }
}
