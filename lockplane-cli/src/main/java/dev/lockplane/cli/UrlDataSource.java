package dev.lockplane.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A data source for a JDBC URL given on the command line. A PostgreSQL URL that names a client
 * certificate ({@code sslcert}, {@code sslkey}, {@code sslpassword}) connects with Lockplane's TLS
 * sockets, which read the files as libpq does (PEM keys among them), as backups do.
 */
final class UrlDataSource extends dev.lockplane.internal.sql.SimpleDataSource {
  private final String url;
  private final String user;
  private final String password;

  UrlDataSource(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return getConnection(user, password);
  }

  @Override
  public Connection getConnection(String u, String p) throws SQLException {
    java.util.Properties props = new java.util.Properties();
    if (u != null) {
      props.setProperty("user", u);
    }
    if (p != null) {
      props.setProperty("password", p);
    }
    return connect(props);
  }

  private Connection connect(java.util.Properties props) throws SQLException {
    if (url.startsWith("jdbc:postgresql:")) {
      java.util.Optional<dev.lockplane.internal.wire.PgTls> tls;
      try {
        tls = dev.lockplane.internal.wire.PgTls.given(url);
      } catch (IllegalArgumentException e) {
        throw new SQLException(e.getMessage(), "08001", e);
      }
      if (tls.isPresent() && tls.get().client() != null) {
        tls.get().applyTo(props);
        try {
          return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
          String refused = tls.get().clientCertificateRefused(e).orElse(null);
          throw refused == null ? e : new SQLException(refused, e.getSQLState(), e);
        }
      }
    }
    return DriverManager.getConnection(url, props);
  }
}
