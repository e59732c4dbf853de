package dev.lockplane.cli;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.BackupRequest;
import dev.lockplane.backup.Compression;
import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane backup create}: take a backup of a SQLite file or of a Lockplane cluster. */
@Command(name = "create", description = {"Take a backup: --sqlite FILE, --physical --pgdata DIR, --physical --url URL (any",
    "server, over the replication protocol), or --logical --pgdata DIR --database DB.",
    "--physical (--pgdata DIR | --url URL) --incremental [--parent ID] stores only what changed since the parent.",
    "Prints the new backup's id."})
final class BackupCreateCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin PgdataOptions pgdata;
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @Option(names = "--sqlite", paramLabel = "FILE", description = "Back up this SQLite database.")
  Path sqlite;

  @Option(names = "--physical", description = "A physical backup of the cluster in --pgdata, or of the server at --url "
      + "(a role with REPLICATION; PostgreSQL 13+ needs no client tools, older servers pg_basebackup of their version).")
  boolean physical;

  @Option(names = "--incremental", description = "With --physical: store only what changed since the parent (the latest "
      + "physical backup of the same cluster, or --parent ID): unchanged files and parts are referenced, and on PostgreSQL "
      + "17+ with summarize_wal = on changed relation files store their changed blocks.")
  boolean incremental;

  @Option(names = "--no-row-counts", description = "With --physical: do not count each table's rows (a scan of every "
      + "table; drills and compare then check tables and columns only).")
  boolean noRowCounts;

  @Option(names = "--parent", paramLabel = "ID", description = "With --incremental: the backup to build on (default: the latest "
      + "physical backup of the same cluster).")
  String parent;

  @Option(names = "--logical", description = "A logical backup (pg_dump) of --database in the cluster in --pgdata.")
  boolean logical;

  @Option(names = "--database", paramLabel = "DB", description = "With --logical: the database.")
  String database;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "With --logical: parallel pg_dump jobs (default 1).")
  int jobs;

  @Option(names = "--tag", paramLabel = "TAG", description = "A tag (repeatable).")
  List<String> tags = new ArrayList<>();

  @Option(names = "--compression", paramLabel = "ALGO", description = "zstd (default), gzip or none.")
  String compression;

  @Option(names = "--level", paramLabel = "N", description = "The compression level.")
  Integer level;

  @Option(names = "--parallelism", paramLabel = "N", description = "Threads that compress and encrypt (default: cores).")
  Integer parallelism;

  @Option(names = "--part-size", paramLabel = "BYTES", description = "The size of stored parts (default 16 MiB).")
  Long partSize;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    int sources = (sqlite != null ? 1 : 0) + (physical ? 1 : 0) + (logical ? 1 : 0);
    if (sources != 1) {
      throw usage("give one source: --sqlite FILE, --physical --pgdata DIR, --physical --url URL, or --logical --pgdata DIR --database DB");
    }
    if (connection.url != null && !physical) {
      throw usage("--url goes with --physical");
    }
    if (physical && connection.url != null && pgdata.pgdata != null) {
      throw usage("--physical takes --pgdata DIR or --url URL, not both");
    }
    // --physical with --env and no --pgdata backs up the environment's server, as --url would
    ConfigFile.Environment env = physical && pgdata.pgdata == null ? connection.environment(spec) : null;
    boolean server = connection.url != null || env != null && env.url() != null;
    if ((physical && !server || logical) && pgdata.pgdata == null) {
      throw usage("--" + (physical ? "physical" : "logical") + " needs --pgdata DIR" + (physical ? " or --url URL" : ""));
    }
    if (logical && database == null) {
      throw usage("--logical needs --database DB");
    }
    if (parent != null && !incremental) {
      throw usage("--parent goes with --incremental");
    }
    if (incremental && !physical) {
      throw usage("--incremental goes with --physical");
    }
    if (noRowCounts && !physical) {
      throw usage("--no-row-counts goes with --physical");
    }
    BackupRepository.Builder b = repository.builder(cli, spec, false, true);
    if (compression != null) {
      b.compression(switch (compression.toLowerCase(Locale.ROOT)) {
        case "zstd" -> level == null ? Compression.zstd() : Compression.zstd(level);
        case "gzip" -> level == null ? Compression.gzip() : new Compression(Compression.Algorithm.GZIP, level);
        case "none" -> Compression.none();
        default -> throw usage("Invalid value for option '--compression': '" + compression + "' is not one of zstd, gzip, none");
      });
    } else if (level != null) {
      throw usage("--level goes with --compression zstd|gzip");
    }
    if (parallelism != null) {
      b.parallelism(parallelism);
    }
    if (partSize != null) {
      b.partSize(partSize);
    }
    BackupRequest r = b.open().backup();
    tags.forEach(r::tag);
    if (incremental) {
      if (parent != null) {
        r.incrementalFrom(parent);
      } else {
        r.incremental();
      }
    }
    if (noRowCounts) {
      r.withoutRowCounts();
    }
    r.progress(new BackupProgress(reporter()));
    Backup backup;
    if (sqlite != null) {
      if (java.nio.file.Files.isRegularFile(sqlite)) {
        withHash(r, new UrlDataSource("jdbc:sqlite:" + sqlite.toAbsolutePath(), null, null));
      }
      backup = r.sqlite(sqlite).run();
    } else if (server) {
      Target t = connection.target(cli, spec);
      if (!t.postgres()) {
        throw usage("--physical --url needs a PostgreSQL URL, not " + t.shown());
      }
      backup = withHash(r, t.dataSource()).physical(t.url(), t.user(), t.password()).run();
    } else {
      reporter().progress("starting the cluster in " + pgdata.pgdata);
      try (LocalPostgres pg = pgdata.start()) {
        backup = physical ? r.physical(pg).run()
            : withHash(r, pg.dataSource(database)).logical(pg, database, jobs).run();
      }
    }
    cli.out().print(format == Format.JSON ? Json.write(BackupJson.of(backup)) : backup.id() + "\n");
    return Main.OK;
  }

  /**
   * The planner's schema hash of the database backed up, recorded in the manifest so that a backup can
   * be matched with a schema later (rollback --via-backup). A schema that cannot be read is left out:
   * a missing database fails in the backup itself, with its own message.
   */
  private static BackupRequest withHash(BackupRequest r, javax.sql.DataSource ds) {
    try {
      return r.schemaHash(dev.lockplane.planner.Planner.hash(
          dev.lockplane.planner.Lockplane.planner().build().introspect(ds)));
    } catch (dev.lockplane.LockplaneException e) {
      return r;
    }
  }
}
