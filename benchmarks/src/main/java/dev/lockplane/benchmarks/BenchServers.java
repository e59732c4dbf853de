package dev.lockplane.benchmarks;

import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the benchmarks that compare against PostgreSQL's own tools do with two servers. */
final class BenchServers {
  private BenchServers() {}

  /**
   * Runs a shell pipeline (such as {@code pg_dump | pg_restore}) that reaches both servers, their
   * passwords given through a temporary {@code .pgpass} (the two servers' passwords differ).
   */
  static void sh(LocalPostgres source, LocalPostgres target, String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).inheritIO();
    Path pass = Files.createTempFile("bench", ".pgpass");
    try {
      Files.writeString(pass, source.host() + ":" + source.port() + ":*:" + source.user() + ":" + source.password() + "\n"
          + target.host() + ":" + target.port() + ":*:" + target.user() + ":" + target.password() + "\n");
      Files.setPosixFilePermissions(pass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      pb.environment().put("PGPASSFILE", pass.toString());
      Process p = pb.start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("failed: " + command);
      }
    } finally {
      Files.deleteIfExists(pass);
    }
  }

  /** Runs a statement in the server's postgres database. */
  static void exec(LocalPostgres pg, String sql) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row of a query in the server's postgres database. */
  static String query(LocalPostgres pg, String sql) throws SQLException {
    return query(pg, "postgres", sql);
  }

  /** The first column of the first row of a query in a database of the server. */
  static String query(LocalPostgres pg, String db, String sql) throws SQLException {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Returns the builder of the server the clone benchmarks measure on: room for a large golden in
   * shared buffers and WAL, its data directory on {@code mount} (a loop-mounted filesystem, not
   * durable) or, for {@code null}, in the default place.
   */
  static LocalPostgres.Builder cloneServer(java.nio.file.Path mount) {
    LocalPostgres.Builder b = LocalPostgres.builder().setting("shared_buffers", "256MB").setting("max_wal_size", "4GB");
    if (mount != null) {
      b.dataDirectory(mount.resolve("data")).durable(false);
    }
    return b;
  }
}
