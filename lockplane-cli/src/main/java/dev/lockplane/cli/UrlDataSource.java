package dev.lockplane.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A data source for a JDBC URL given on the command line. */
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
    java.util.Properties props = new java.util.Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(url, props);
  }

  @Override
  public Connection getConnection(String u, String p) throws SQLException {
    return DriverManager.getConnection(url, u, p);
  }
}
