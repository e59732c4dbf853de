package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.plan.Plan;
import dev.lockplane.planner.Planner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockplane rollback}: apply the reverse of a plan that was applied, or roll back the last
 * migration through the backup taken before it ({@link RollbackViaBackup}).
 */
@Command(name = "rollback", description = {"Apply the reverse of --plan FILE (the plan that was applied).",
    "--via-backup [BACKUP]: compare the last migration's SQL rollback with restoring the backup taken",
    "before it (default: the one its history row records; --repo or --env names the repository), say",
    "what each loses, then --restore tables (SQL rollback, then the lost values merged back, in one",
    "transaction; conflicts are reported row by row and nothing is merged), clone (the backup into a copy",
    "for inspection: SQLite --clone-to FILE; PostgreSQL a new database beside the live one, --clone-to",
    "NAME) or in-place (PostgreSQL: restored beside, then swapped in by renaming; the replaced database",
    "is kept). Asks first unless --yes. --format json on PostgreSQL.",
    "Exit 0: rolled back or nothing to do."})
final class RollbackCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin TimeoutOptions timeouts;
  @Mixin OutputOptions output;

  @Mixin RepositoryOptions repository;

  @Option(names = "--plan", paramLabel = "FILE", description = "The plan that was applied.")
  Path plan;

  @Option(names = "--via-backup", paramLabel = "BACKUP", arity = "0..1", fallbackValue = "recorded",
      description = "Roll back the last migration through a backup (default: the one recorded with it).")
  String viaBackup;

  @Option(names = "--restore", paramLabel = "HOW", description = "With --via-backup: tables, clone or in-place.")
  String restore;

  @Option(names = "--clone-to", paramLabel = "FILE|NAME",
      description = "With --restore clone: the copy's file (SQLite) or new database's name (PostgreSQL).")
  Path cloneTo;

  @Option(names = "--yes", description = "With --restore: do not ask.")
  boolean yes;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    Target target = connection.target(cli, spec);
    Planner planner = Planners.build(cli, spec, connection, null, null, timeouts);
    if (viaBackup != null) {
      if (plan != null) {
        throw usage("--via-backup takes the migration from the history: leave out --plan");
      }
      if (target.postgres()) {
        try (BackupRepository repo = repository.open(cli, spec, false)) {
          return new PostgresRollbackViaBackup(cli, planner, target, repo, format).run(viaBackup, restore, yes,
              PostgresRollbackViaBackup.databaseName(cloneTo));
        }
      }
      if (format != Format.TEXT) {
        throw usage("--via-backup on an SQLite database reports as text: leave out --format");
      }
      Path scratch = RollbackViaBackup.scratch();
      try (BackupRepository repo = repository.open(cli, spec, false)) {
        return new RollbackViaBackup(cli, planner, target, repo).run(viaBackup, restore, yes, cloneTo, scratch);
      } finally {
        RollbackViaBackup.delete(scratch);
      }
    }
    if (plan == null) {
      throw usage("give --plan FILE, or --via-backup");
    }
    if (restore != null || yes || cloneTo != null) {
      throw usage("--restore, --clone-to and --yes go with --via-backup");
    }
    Plan p = Planner.planFromJson(Files.readString(plan, StandardCharsets.UTF_8), plan.toString()).reverse();
    return ApplyCommand.applyAndReport(cli, reporter(), planner, p, target, format, "rollback");
  }
}
