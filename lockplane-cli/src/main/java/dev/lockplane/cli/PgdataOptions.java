package dev.lockplane.cli;

import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --pgdata} and {@code --pg-version}: a stopped cluster created by Lockplane, started for the command. */
final class PgdataOptions {
  @Option(names = "--pgdata", paramLabel = "DIR", description = "A stopped PostgreSQL cluster created by Lockplane.")
  Path pgdata;

  @Option(names = "--pg-version", paramLabel = "N", description = "Its major version, when not the default.")
  Integer pgVersion;

  LocalPostgres start() {
    LocalPostgres.Builder b = LocalPostgres.builder().dataDirectory(pgdata);
    if (pgVersion != null) {
      b.version(pgVersion);
    }
    return b.start();
  }
}
