package dev.lockplane.internal.golden;

import dev.lockplane.clone.GoldenTarget;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An empty database on a running server that a logical golden source fills: the database a clone
 * manager is building its golden in. Its text form never shows the password.
 *
 * @param jdbcUrl the database's JDBC URL, without credentials
 * @param database the database's name
 * @param user the role to connect as
 * @param secret the role's password, or null
 * @param serverMajorVersion the server's major version
 * @param serverBinDirectory the bin directory of the server's binaries when this library runs it, or null
 * @param progressSink where progress messages go
 */
public record LogicalTarget(
    String jdbcUrl, String database, String user, String secret, int serverMajorVersion, Path serverBinDirectory,
    Consumer<String> progressSink) implements GoldenTarget {

  /** Validates the components. */
  public LogicalTarget {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(progressSink, "progressSink");
  }

  @Override
  public Optional<String> password() {
    return Optional.ofNullable(secret).filter(p -> !p.isEmpty());
  }

  @Override
  public Path dataDirectory() {
    throw new UnsupportedOperationException("A database-level golden is a database on a running server, not a data"
        + " directory; physical sources need instance-level clones (lockplane-zfs).");
  }

  @Override
  public Optional<Path> binDirectory() {
    return Optional.ofNullable(serverBinDirectory);
  }

  @Override
  public void progress(String message) {
    progressSink.accept(message);
  }

  @Override
  public String toString() {
    return "LogicalTarget[" + jdbcUrl + ", database " + database + ", user " + user + ", PostgreSQL "
        + serverMajorVersion + "]";
  }
}
