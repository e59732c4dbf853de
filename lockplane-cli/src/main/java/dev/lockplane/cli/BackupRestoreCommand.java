package dev.lockplane.cli;

import dev.lockplane.backup.RestoreRequest;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lockplane backup restore}: into a directory, a SQLite file, or a database of a Lockplane cluster. */
@Command(name = "restore", description = "Restore a backup: --to DIR, --to-file FILE, or --pgdata DIR --database DB.")
final class BackupRestoreCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin EnvironmentOptions environment;
  @Mixin PgdataOptions pgdata;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "The backup id.")
  String id;

  @Option(names = "--to", paramLabel = "DIR", description = "Restore the files into DIR (a physical backup: a data directory).")
  Path to;

  @Option(names = "--to-file", paramLabel = "FILE", description = "Restore a SQLite backup to FILE.")
  Path toFile;

  @Option(names = "--database", paramLabel = "DB", description = "With --pgdata: the database to restore into.")
  String database;

  @Option(names = "--overwrite", description = "Replace a target that is not empty.")
  boolean overwrite;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    int targets = (to != null ? 1 : 0) + (toFile != null ? 1 : 0) + (pgdata.pgdata != null ? 1 : 0);
    if (targets != 1) {
      throw usage("give one target: --to DIR, --to-file FILE, or --pgdata DIR --database DB");
    }
    if (pgdata.pgdata != null && database == null) {
      throw usage("--pgdata needs --database DB");
    }
    RestoreRequest r = repository.open(cli, spec, false).restore(id).overwrite(overwrite)
        .progress(new BackupProgress(reporter()));
    String where;
    if (to != null) {
      where = r.toDirectory(to).toString();
    } else if (toFile != null) {
      where = r.toFile(toFile).toString();
    } else {
      reporter().progress("starting the cluster in " + pgdata.pgdata);
      try (LocalPostgres pg = pgdata.start()) {
        r.intoDatabase(pg, database);
      }
      where = "database " + database;
    }
    if (format == Format.JSON) {
      Map<String, Object> m = new TreeMap<>();
      m.put("backupId", id);
      m.put("restoredTo", where);
      cli.out().print(Json.write(m));
    } else {
      cli.out().println(to != null || toFile != null ? where : "restored into " + where);
    }
    return Main.OK;
  }
}
