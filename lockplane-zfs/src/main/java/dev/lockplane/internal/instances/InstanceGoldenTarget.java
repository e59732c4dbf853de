package dev.lockplane.internal.instances;

import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.instances.ProgressListener;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The target a {@link dev.lockplane.clone.GoldenSource} fills when an instance clone manager builds
 * its golden: the empty data directory of the golden volume (physical sources), or the empty
 * database on the golden's server while it runs (logical sources).
 */
final class InstanceGoldenTarget implements GoldenTarget {
  private final Path data;
  private final LocalPostgres server;
  private final String database;
  private final int major;
  private final ProgressListener listener;

  private InstanceGoldenTarget(Path data, LocalPostgres server, String database, int major, ProgressListener listener) {
    this.data = data;
    this.server = server;
    this.database = database;
    this.major = major;
    this.listener = listener;
  }

  /** An empty data directory, before any server runs on it. */
  static InstanceGoldenTarget physical(Path data, int major, ProgressListener listener) {
    return new InstanceGoldenTarget(data, null, null, major, listener);
  }

  /** An empty database on the golden's running server. */
  static InstanceGoldenTarget logical(LocalPostgres server, String database, ProgressListener listener) {
    return new InstanceGoldenTarget(null, server, database, server.majorVersion(), listener);
  }

  private LocalPostgres server() {
    if (server == null) {
      throw new UnsupportedOperationException("a physical golden target is a data directory, not a database");
    }
    return server;
  }

  @Override
  public String jdbcUrl() {
    return server().jdbcUrl(database);
  }

  @Override
  public String database() {
    server();
    return database;
  }

  @Override
  public String user() {
    return server().user();
  }

  @Override
  public Optional<String> password() {
    return Optional.ofNullable(server().password());
  }

  @Override
  public Path dataDirectory() {
    if (data == null) {
      throw new UnsupportedOperationException("a logical golden target is a database, not a data directory");
    }
    return data;
  }

  @Override
  public int serverMajorVersion() {
    return major;
  }

  @Override
  public Optional<Path> binDirectory() {
    return server == null ? Optional.empty() : Optional.of(server.installation().binDirectory());
  }

  @Override
  public void progress(String message) {
    listener.progress("golden", message);
  }

  @Override
  public String toString() {
    return server == null ? "golden data directory " + data : "golden database " + database + " on " + server;
  }
}
