package dev.lockplane.internal.golden;

import dev.lockplane.clone.GoldenTarget;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The empty database a logical golden is loaded into, on a server reached by JDBC. Its text form
 * never shows the password.
 *
 * @param jdbcUrl the database's URL
 * @param database the database's name
 * @param user the role to connect as
 * @param passwordText the role's password, empty for none
 * @param serverMajorVersion the server's major version
 * @param binDirectory the server's binaries, when this library runs the server
 */
public record BuildingDatabase(
    String jdbcUrl, String database, String user, String passwordText, int serverMajorVersion, Optional<Path> binDirectory)
    implements GoldenTarget {
  private static final System.Logger LOG = System.getLogger("dev.lockplane.golden");

  /** Validates the components. */
  public BuildingDatabase {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    passwordText = passwordText == null ? "" : passwordText;
    binDirectory = binDirectory == null ? Optional.empty() : binDirectory;
  }

  @Override
  public Optional<String> password() {
    return passwordText.isEmpty() ? Optional.empty() : Optional.of(passwordText);
  }

  @Override
  public Path dataDirectory() {
    throw new UnsupportedOperationException("a logical golden is loaded into database " + database + ", not a data directory");
  }

  @Override
  public void progress(String message) {
    LOG.log(Level.INFO, "Golden {0}: {1}", database, message);
  }

  @Override
  public String toString() {
    return "BuildingDatabase[" + database + " as " + user + ", PostgreSQL " + serverMajorVersion + "]";
  }
}
