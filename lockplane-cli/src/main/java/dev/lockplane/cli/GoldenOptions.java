package dev.lockplane.cli;

import dev.lockplane.clone.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where a golden comes from: one of {@code --scripts}, {@code --from-database}, {@code
 * --from-server}, {@code --flyway} or {@code --liquibase}, mapped onto {@link Golden}. None given
 * means the golden the store (or the prefix on the server) already holds.
 */
final class GoldenOptions {
  @Option(names = "--scripts", paramLabel = "PATH", arity = "1..*", description = {
      "Build the golden by running these SQL files (a directory: every .sql file below it, versioned files first)."})
  List<Path> scripts;

  @Option(names = "--from-database", paramLabel = "NAME", description = "Copy the golden from database NAME on the same server.")
  String fromDatabase;

  @Option(names = "--from-server", paramLabel = "URL", description = {
      "Read the golden from any reachable PostgreSQL server (pg_dump, or a base backup with --physical)."})
  String fromServer;

  @Option(names = "--source-user", paramLabel = "USER", description = "The role --from-server reads as (default: the URL's).")
  String sourceUser;

  @Option(names = "--source-password-env", paramLabel = "VAR", description = "The environment variable holding that role's password.")
  String sourcePasswordEnv;

  @Option(names = "--physical", description = "With --from-server: a base backup over the replication protocol (instance clones).")
  boolean physical;

  @Option(names = "--jobs", paramLabel = "N", description = "With --from-server: parallel pg_dump/pg_restore jobs (default 2).")
  Integer jobs;

  @Option(names = "--flyway", paramLabel = "LOCATION", arity = "1..*", description = {
      "Build the golden with Flyway from these locations (filesystem:db/migration, classpath:...)."})
  List<String> flyway;

  @Option(names = "--liquibase", paramLabel = "CHANGELOG", description = "Build the golden with Liquibase from this changelog.")
  String liquibase;

  /** Whether any source was given. */
  boolean given() {
    return !names().isEmpty();
  }

  private List<String> names() {
    List<String> given = new ArrayList<>();
    if (scripts != null) {
      given.add("--scripts");
    }
    if (fromDatabase != null) {
      given.add("--from-database");
    }
    if (fromServer != null) {
      given.add("--from-server");
    }
    if (flyway != null) {
      given.add("--flyway");
    }
    if (liquibase != null) {
      given.add("--liquibase");
    }
    return given;
  }

  /** The golden the options describe, or null when none is given; conflicting options are usage errors. */
  Golden golden(Cli cli, CommandSpec spec) {
    List<String> given = names();
    if (given.size() > 1) {
      throw new ParameterException(spec.commandLine(), "Give one golden source, not " + String.join(" and ", given));
    }
    boolean serverOnly = sourceUser != null || sourcePasswordEnv != null || physical || jobs != null;
    if (serverOnly && fromServer == null) {
      throw new ParameterException(spec.commandLine(),
          "--source-user, --source-password-env, --physical and --jobs go with --from-server URL");
    }
    if (given.isEmpty()) {
      return null;
    }
    if (scripts != null) {
      for (Path p : scripts) {
        if (!Files.exists(p)) {
          throw new ParameterException(spec.commandLine(), "Invalid value for option '--scripts': no file or directory " + p);
        }
      }
      return Golden.fromScripts(scripts.toArray(Path[]::new));
    }
    if (fromDatabase != null) {
      return Golden.fromDatabase(fromDatabase);
    }
    if (flyway != null) {
      return Golden.fromFlyway(flyway.toArray(String[]::new));
    }
    if (liquibase != null) {
      return Golden.fromLiquibase(liquibase);
    }
    return fromServer(cli, spec);
  }

  private Golden fromServer(Cli cli, CommandSpec spec) {
    cli.secret(dev.lockplane.internal.sql.JdbcUrls.passwordOf(fromServer));
    String user = sourceUser != null ? sourceUser : dev.lockplane.internal.sql.JdbcUrls.userOf(fromServer);
    if (user == null) {
      throw new ParameterException(spec.commandLine(), "--from-server needs a role: give --source-user USER or user@ in the URL");
    }
    String password = null;
    if (sourcePasswordEnv != null) {
      password = cli.env(sourcePasswordEnv);
      if (password == null) {
        throw new ParameterException(spec.commandLine(),
            "Invalid value for option '--source-password-env': the variable " + sourcePasswordEnv + " is not set");
      }
      cli.secret(password);
    }
    if (jobs != null && jobs < 1) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--jobs': give 1 or more, not " + jobs);
    }
    Golden.FromServer g = Golden.fromServer(fromServer, user, password);
    if (jobs != null) {
      g = g.jobs(jobs);
    }
    return physical ? g.physical() : g;
  }
}
