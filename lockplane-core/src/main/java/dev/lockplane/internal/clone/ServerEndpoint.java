package dev.lockplane.internal.clone;

import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How to reach a PostgreSQL server: its JDBC URL prefix and a role that may create databases.
 *
 * @param urlPrefix {@code jdbc:postgresql://host:port/}
 * @param urlSuffix what follows the database name in the URL (query parameters), possibly empty
 * @param user the role
 * @param password its password
 * @param maintenanceDatabase the database admin connections use
 */
public record ServerEndpoint(
    String urlPrefix, String urlSuffix, String user, String password, String maintenanceDatabase) {

  /** Validates the components. */
  public ServerEndpoint {
    Objects.requireNonNull(urlPrefix, "urlPrefix");
    Objects.requireNonNull(urlSuffix, "urlSuffix");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(maintenanceDatabase, "maintenanceDatabase");
  }

  /**
   * Parses a JDBC URL such as {@code jdbc:postgresql://db.example:5432/app?sslmode=require}.
   *
   * @param jdbcUrl the URL
   * @param user the role
   * @param password its password
   * @return the endpoint, whose maintenance database is the URL's database
   */
  public static ServerEndpoint parse(String jdbcUrl, String user, String password) {
    String prefix = "jdbc:postgresql://";
    if (!jdbcUrl.startsWith(prefix)) {
      throw new IllegalArgumentException(
          "'" + jdbcUrl + "' is not a PostgreSQL JDBC URL; give one like jdbc:postgresql://host:5432/postgres");
    }
    int slash = jdbcUrl.indexOf('/', prefix.length());
    if (slash < 0) {
      return new ServerEndpoint(jdbcUrl + "/", "", user, password, "postgres");
    }
    int q = jdbcUrl.indexOf('?', slash);
    String db = q < 0 ? jdbcUrl.substring(slash + 1) : jdbcUrl.substring(slash + 1, q);
    String suffix = q < 0 ? "" : jdbcUrl.substring(q);
    return new ServerEndpoint(
        jdbcUrl.substring(0, slash + 1), suffix, user, password, db.isEmpty() ? "postgres" : db);
  }

  /** Returns the JDBC URL of a database on this server. */
  public String url(String database) {
    return urlPrefix + database + urlSuffix;
  }

  /** Returns a non-pooled data source for a database on this server. */
  public DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url(database));
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }
}
