package dev.lockplane.cli;

import dev.lockplane.cli.OutputOptions.Format;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.internal.sql.JdbcUrls;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.trace.MigrationSource;
import dev.lockplane.trace.MigrationTrace;
import dev.lockplane.trace.QueryCheck;
import dev.lockplane.trace.TraceReport;
import dev.lockplane.trace.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane trace}: run a migration on a thin clone of the target and report what it did. */
@Command(name = "trace", description = {
    "Run a migration on a thin clone of the target and report what it did.",
    "Per statement: the locks it took (and what they block), rewrites, rows, WAL",
    "and time, with findings and safer forms. The clone is made on the target's",
    "server (the role needs CREATEDB); the target is not changed.",
    "Silence a finding with a comment on its statement: -- lockplane:ignore RULE.",
    "With --queries, each query's plan and median time before and after the migration",
    "are compared on the clone: slower or failing queries count as findings.",
    "Exit 0: no findings; 2: findings; 1: the migration failed or could not run."})
final class TraceCommand extends BaseCommand {
  @Mixin ConnectionOptions connection;
  @Mixin OutputOptions output;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Migration migration;

  /** Exactly one kind of migration. */
  static final class Migration {
    @Option(names = "--sql", paramLabel = "PATH", arity = "1..*", required = true,
        description = "SQL files or directories (their .sql files in version order), run as psql runs them.")
    List<Path> sql;

    @Option(names = "--flyway", paramLabel = "LOCATION", arity = "1..*", required = true,
        description = "Flyway locations (a directory, filesystem:DIR or classpath:PATH); the pending migrations run.")
    List<String> flyway;

    @Option(names = "--liquibase", paramLabel = "FILE", required = true,
        description = "A Liquibase changelog; its pending change sets run.")
    Path liquibase;
  }

  @Option(names = "--placeholder", paramLabel = "KEY=VALUE", description = "A Flyway placeholder (repeatable).")
  Map<String, String> placeholders;

  @Option(names = "--contexts", paramLabel = "CONTEXT", split = ",", description = "Liquibase contexts (default: all).")
  List<String> contexts;

  @Option(names = "--ignore", paramLabel = "RULE", split = ",",
      description = "Rule ids to ignore everywhere (repeatable; added to the environment's trace-ignore).")
  List<String> ignore;

  @Option(names = "--slow-statement", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "A statement this long counts as slow while a strong lock is held (default 1s).")
  Duration slowStatement;

  @Option(names = "--load", paramLabel = "FILE", description = {
      "A workload mix ('RATE/s SQL' lines) run beside a second run of the migration: reports the",
      "queries each statement made wait, against a baseline. Only for a server on this machine."})
  Path load;

  @Option(names = "--load-top", paramLabel = "N", description = {
      "Instead of a mix file: the target's own N most frequent statements from pg_stat_statements,",
      "their parameters filled with values sampled from the target (see --load-rate)."})
  Integer loadTop;

  @Option(names = "--load-rate", paramLabel = "PER_SECOND",
      description = "Queries a second in all for --load-top (default 200).")
  Double loadRate;

  @Option(names = "--queries-top", paramLabel = "N", description = {
      "Compare the plans of the target's own N most frequent statements (pg_stat_statements)",
      "before and after the migration, as --queries does for a file."})
  Integer queriesTop;

  @Option(names = "--queries", paramLabel = "FILE", description = {
      "SQL queries (separated by ';', named by a '-- name: ...' comment) whose plans and median",
      "times are compared before and after the migration under EXPLAIN (ANALYZE, BUFFERS)."})
  Path queries;

  @Option(names = "--query-runs", paramLabel = "N", description = "Runs per query before and after (default 5).")
  Integer queryRuns;

  @Option(names = "--slower-than", paramLabel = "FACTOR",
      description = "A query whose median grew this many times (and by 1 ms) is slower (default 1.5).")
  Double slowerThan;

  @Option(names = "--admin-db", paramLabel = "NAME", defaultValue = "postgres",
      description = "The database used to create clones (default postgres).")
  String adminDb;

  @Override
  int execute() {
    Format format = output.format(spec, Format.TEXT, Format.JSON, Format.MARKDOWN, Format.HTML);
    Target target = connection.target(cli, spec);
    if (!target.postgres()) {
      throw usage("trace needs a PostgreSQL target (jdbc:postgresql://... or postgres://...), not " + target.shown());
    }
    if (placeholders != null && migration.flyway == null) {
      throw usage("--placeholder goes with --flyway");
    }
    if (contexts != null && migration.liquibase == null) {
      throw usage("--contexts goes with --liquibase");
    }
    MigrationSource source = source();
    if (load != null && loadTop != null) {
      throw usage("--load and --load-top are mutually exclusive: give a mix file or read pg_stat_statements");
    }
    if (loadRate != null && loadTop == null) {
      throw usage("--load-rate goes with --load-top");
    }
    if (queries != null && queriesTop != null) {
      throw usage("--queries and --queries-top are mutually exclusive");
    }
    Workload workload = load == null ? null : Workload.mix(load);
    QueryCheck check = queryCheck();
    TreeSet<String> ignored = new TreeSet<>();
    ConfigFile.Environment environment = connection.environment(spec);
    if (environment != null) {
      ignored.addAll(environment.traceIgnore());
    }
    if (ignore != null) {
      ignored.addAll(ignore);
    }
    String database = JdbcUrls.databaseOf(target.url());
    String adminUrl = JdbcUrls.withDatabase(target.url(), adminDb);
    String user = target.user();
    String password = target.password();
    ValidateCommand.requireCreatedb(adminUrl, user, password);
    String prefix = "lpt_" + UUID.randomUUID().toString().substring(0, 8) + "_";
    Reporter reporter = reporter();
    if (loadTop != null || queriesTop != null) {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(JdbcUrls.toJdbc(target.url()),
          credentials(user, password))) {
        if (loadTop != null) {
          workload = Workload.topStatements(c, loadTop, loadRate == null ? 200 : loadRate,
              skipped -> reporter.progress("workload: left out " + skipped));
        }
        if (queriesTop != null) {
          check = tune(QueryCheck.topStatements(c, queriesTop, skipped -> reporter.progress("queries: left out " + skipped)));
        }
      } catch (java.sql.SQLException e) {
        throw new dev.lockplane.LockplaneException(dev.lockplane.ErrorCode.DATABASE_ERROR, "Cannot read the"
            + " target's pg_stat_statements at " + target.shown() + ": " + JdbcUrls.redact(String.valueOf(e.getMessage())));
      }
    }
    reporter.progress("cloning " + database + " to trace " + source.describe());
    TraceReport report;
    String goldenName = null;
    try (CloneManager clones = CloneManagers.databases(adminUrl, user == null ? "" : user,
        password == null ? "" : password).golden(Golden.fromDatabase(database)).databasePrefix(prefix).start()) {
      goldenName = clones.golden().name();
      MigrationTrace.Builder b = MigrationTrace.builder().source(source).on(clones).ignore(ignored)
          .listener(s -> reporter.progress("traced statement " + s.number() + " (" + s.location() + ")"));
      if (slowStatement != null) {
        b.slowStatement(slowStatement);
      }
      if (workload != null) {
        b.load(workload);
      }
      if (check != null) {
        b.queries(check);
      }
      report = b.build().run();
    } finally {
      ValidateCommand.dropGolden(cli, "trace", adminUrl, user, password, prefix, goldenName);
    }
    cli.out().print(format == Format.HTML ? report.renderHtml() : report.render(ReportFormat.valueOf(format.name())));
    if (report.failure().isPresent()) {
      cli.error("lockplane trace: the migration failed at " + report.failure().get().location() + ": "
          + report.failure().get().error().orElse(""));
      return Main.ERROR;
    }
    return report.hasFindings() || !report.regressions().isEmpty() ? Main.CHANGES : Main.OK;
  }

  private static java.util.Properties credentials(String user, String password) {
    java.util.Properties p = new java.util.Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  private QueryCheck queryCheck() {
    if (queries == null) {
      if ((queryRuns != null || slowerThan != null) && queriesTop == null) {
        throw usage("--query-runs and --slower-than go with --queries or --queries-top");
      }
      return null;
    }
    if (!Files.isRegularFile(queries)) {
      throw usage("--queries " + queries + ": no such file");
    }
    return tune(QueryCheck.file(queries));
  }

  private QueryCheck tune(QueryCheck check) {
    if (queryRuns != null) {
      check = check.runs(queryRuns);
    }
    if (slowerThan != null) {
      check = check.slowerThan(slowerThan, check.minSlowdown());
    }
    return check;
  }

  private MigrationSource source() {
    if (migration.sql != null) {
      for (Path p : migration.sql) {
        if (!Files.exists(p)) {
          throw usage("--sql " + p + ": no such file or directory");
        }
      }
      return MigrationSource.sql(migration.sql.toArray(Path[]::new));
    }
    if (migration.flyway != null) {
      List<String> locations = new ArrayList<>();
      for (String l : migration.flyway) {
        // A bare directory is a directory, not Flyway's default classpath: location.
        locations.add(l.contains(":") ? l : "filesystem:" + Path.of(l).toAbsolutePath().normalize());
      }
      return MigrationSource.flyway(locations, placeholders == null ? Map.of() : new TreeMap<>(placeholders));
    }
    if (!Files.isRegularFile(migration.liquibase)) {
      throw usage("--liquibase " + migration.liquibase + ": no such changelog file");
    }
    return MigrationSource.liquibase(migration.liquibase, contexts == null ? List.of() : contexts);
  }
}
