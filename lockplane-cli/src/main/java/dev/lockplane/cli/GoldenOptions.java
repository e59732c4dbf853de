package dev.lockplane.cli;

import dev.lockplane.clone.Golden;
import dev.lockplane.golden.Masking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where a golden comes from: one of {@code --scripts}, {@code --from-database}, {@code
 * --from-server}, {@code --flyway}, {@code --liquibase} or {@code --from-backup}, mapped onto {@link
 * Golden}. None given means the golden the store (or the prefix on the server) already holds. A
 * backup's repository stays open until {@link #close()}.
 */
final class GoldenOptions implements AutoCloseable {
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

  @Option(names = "--from-backup", paramLabel = "REPO", description = {
      "Make the golden of a backup in this repository (a directory or s3://...): the newest, or --backup-id / --backup-before."})
  String fromBackup;

  @Option(names = "--backup-id", paramLabel = "ID", description = "With --from-backup: the backup to use.")
  String backupId;

  @Option(names = "--backup-before", paramLabel = "TIME", description = {
      "With --from-backup: the newest backup that finished at or before TIME (ISO-8601, e.g. 2026-11-30T10:15:00Z)."})
  String backupBefore;

  @Option(names = "--backup-keyset", paramLabel = "FILE", description = "With --from-backup: the repository's keyset file.")
  Path backupKeyset;

  @Option(names = "--backup-keyset-env", paramLabel = "VAR", description = "With --from-backup: a variable holding the keyset JSON.")
  String backupKeysetEnv;

  @Option(names = "--backup-passphrase-env", paramLabel = "VAR", description = "With --from-backup: a variable holding the keyset's passphrase.")
  String backupPassphraseEnv;

  @Option(names = "--mask", paramLabel = "RULES", description = {
      "Mask the golden's personal data by the rules of this JSON file (see docs/masking-rules.schema.json)",
      "before any snapshot exists; the masking report is shown once the golden is prepared."})
  Path mask;

  @Option(names = "--strict", description = "With --mask: refuse while a column that looks personal has no rule.")
  boolean strict;

  private dev.lockplane.backup.BackupRepository repository;

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
    if (fromBackup != null) {
      given.add("--from-backup");
    }
    return given;
  }

  /** The golden the options describe, masked with --mask, or null when none is given; conflicts are usage errors. */
  Golden golden(Cli cli, CommandSpec spec) {
    Golden g = source(cli, spec);
    if (mask == null) {
      if (strict) {
        throw new ParameterException(spec.commandLine(), "--strict goes with --mask RULES");
      }
      return g;
    }
    if (!Files.isRegularFile(mask)) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--mask': no file " + mask);
    }
    Masking masking = dev.lockplane.clones.MaskingFiles.read(mask);
    if (strict) {
      masking = masking.withStrict(true);
    }
    return g == null ? null : g.masked(masking);
  }

  private Golden source(Cli cli, CommandSpec spec) {
    List<String> given = names();
    if (given.size() > 1) {
      throw new ParameterException(spec.commandLine(), "Give one golden source, not " + String.join(" and ", given));
    }
    boolean serverOnly = sourceUser != null || sourcePasswordEnv != null || physical || jobs != null;
    if (serverOnly && fromServer == null) {
      throw new ParameterException(spec.commandLine(),
          "--source-user, --source-password-env, --physical and --jobs go with --from-server URL");
    }
    boolean backupOnly = backupId != null || backupBefore != null || backupKeyset != null || backupKeysetEnv != null
        || backupPassphraseEnv != null;
    if (backupOnly && fromBackup == null) {
      throw new ParameterException(spec.commandLine(), "--backup-id, --backup-before and the --backup-keyset options go with"
          + " --from-backup REPO");
    }
    if (given.isEmpty()) {
      return null;
    }
    if (fromBackup != null) {
      return fromBackup(cli, spec);
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

  private Golden fromBackup(Cli cli, CommandSpec spec) {
    if (backupId != null && backupBefore != null) {
      throw new ParameterException(spec.commandLine(), "Give --backup-id or --backup-before, not both");
    }
    java.time.Instant before = null;
    if (backupBefore != null) {
      try {
        before = java.time.OffsetDateTime.parse(backupBefore.replace(' ', 'T')).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--backup-before': " + backupBefore
            + " is not a time such as 2026-11-30T10:15:00Z or 2026-11-30 10:15:00+01:00");
      }
    }
    RepositoryOptions keys = new RepositoryOptions();
    keys.repo = fromBackup;
    keys.keyset = backupKeyset;
    keys.keysetEnv = backupKeysetEnv;
    keys.passphraseEnv = backupPassphraseEnv;
    repository = keys.open(cli, spec, true);
    return backupId != null ? repository.golden(backupId)
        : before != null ? repository.goldenBefore(before) : repository.latestGolden();
  }

  /** Closes the backup repository a golden was made from, if any. */
  @Override
  public void close() {
    if (repository != null) {
      repository.close();
      repository = null;
    }
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
