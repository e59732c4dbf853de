package dev.lockplane.internal.clone;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.sql.JdbcUrls;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How to reach a PostgreSQL server: a JDBC URL whose database is the maintenance database (the one
 * administrative statements run in), and a role that may create databases. Its text forms never
 * show the password.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db?params}
 * @param user the role
 * @param password its password
 */
public record ServerEndpoint(String jdbcUrl, String user, String password) {

  /** Validates the components. */
  public ServerEndpoint {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  /**
   * Checks a JDBC URL such as {@code jdbc:postgresql://db.example:5432/app?sslmode=require}.
   *
   * @param jdbcUrl the URL
   * @param user the role
   * @param password its password
   * @return the endpoint, whose maintenance database is the URL's database ({@code postgres} if none)
   * @throws LockplaneException with {@code INVALID_CONFIGURATION} naming the redacted URL
   */
  public static ServerEndpoint parse(String jdbcUrl, String user, String password) {
    boolean postgres = jdbcUrl.startsWith("jdbc:postgresql://");
    if (!postgres || org.postgresql.Driver.parseURL(jdbcUrl, null) == null) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "'" + Secrets.scrub(jdbcUrl, password) + "' is not a "
              + (postgres ? "valid " : "") + "PostgreSQL JDBC URL; give one like jdbc:postgresql://host:5432/postgres");
    }
    return new ServerEndpoint(jdbcUrl, user, password);
  }

  /** Returns the database administrative statements run in. */
  public String maintenanceDatabase() {
    return JdbcUrls.databaseOf(jdbcUrl);
  }

  /** Returns the JDBC URL of a database on this server, with the same host, port and parameters. */
  public String url(String database) {
    return JdbcUrls.withDatabase(jdbcUrl, database);
  }

  /** Returns the URL of a database with every secret replaced, for messages and logs. */
  public String redactedUrl(String database) {
    return Secrets.scrub(url(database), password);
  }

  /** Returns a non-pooled data source for a database on this server. */
  public DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    try {
      ds.setURL(url(database));
    } catch (IllegalArgumentException e) {
      // the driver's message quotes the whole URL, password included
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION,
          "'" + redactedUrl(database) + "' is not a valid PostgreSQL JDBC URL.");
    }
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }

  @Override
  public String toString() {
    return "ServerEndpoint[" + redactedUrl(maintenanceDatabase()) + ", user " + user + "]";
  }
}
