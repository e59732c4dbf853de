package dev.lockplane.cli;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.LossEstimate;
import dev.lockplane.backup.RecoveredServer;
import dev.lockplane.backup.RecoveryPlan;
import dev.lockplane.backup.RecoveryRequest;
import dev.lockplane.backup.RecoveryResult;
import dev.lockplane.backup.RecoveryTarget;
import dev.lockplane.cli.OutputOptions.Format;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane recover}: point-in-time recovery from a physical backup and the archived WAL. */
@Command(name = "recover", description = {
    "Recover a server to a point in time: the newest physical backup that finished before the target, plus the",
    "archived WAL replayed up to it (docs/backups.md). Give one target: --to TIME, --lsn LSN, --restore-point NAME",
    "or --latest; and where: --into DIR (a stopped cluster), --serve (a server running until Ctrl-C), --plan",
    "(only say which backup and WAL it would use), --estimate-loss (recover into a temporary copy and compare it",
    "with the live database at --url/--env, per table: the rows a restore to the target would lose), or",
    "--into-instance-clone NAME with --storage zfs:POOL/DATASET or --store DIR [--storage reflink|copy]: a clone on",
    "copy-on-write storage (the base backup is restored there once and reused by every later target); its server",
    "runs until Ctrl-C, the clone stays. Without a target that starts a kept clone again; --destroy removes it.",
    "Exit 0: recovered or planned; 1: the target cannot be reached (the message says what the repository holds)."})
final class RecoverCommand extends BaseCommand {
  @Mixin RepositoryOptions repository;
  @Mixin ConnectionOptions live;
  @Mixin OutputOptions output;

  @Option(names = "--to", paramLabel = "TIME", description = "The moment, such as \"2026-11-30 10:15:00+00\" (an offset is required).")
  String to;

  @Option(names = "--lsn", paramLabel = "LSN", description = "A WAL position, such as 0/3000028.")
  String lsn;

  @Option(names = "--restore-point", paramLabel = "NAME", description = "A restore point made with pg_create_restore_point.")
  String restorePoint;

  @Option(names = "--latest", description = "Replay all the archived WAL.")
  boolean latest;

  @Option(names = "--into", paramLabel = "DIR", description = "Recover into this directory (empty or missing) and stop the server.")
  Path into;

  @Option(names = "--serve", description = "Recover into a temporary server and keep it running until interrupted; prints how to connect.")
  boolean serve;

  @Option(names = "--plan", description = "Only choose the backup and the WAL, and say why.")
  boolean planOnly;

  @Option(names = "--estimate-loss", description = {"Recover into a temporary copy, compare it with the live database",
      "(--url or --env; only read, a read-only role is enough) and say what restoring it to the target would lose."})
  boolean estimateLoss;

  @Option(names = "--overwrite", description = "With --into: replace a directory that is not empty.")
  boolean overwrite;

  @Option(names = "--show-password", description = "With --serve or --into-instance-clone: also print the superuser's password.")
  boolean showPassword;

  @Option(names = "--into-instance-clone", paramLabel = "NAME", description = {
      "Recover into the instance clone NAME (letters, digits, dashes; its volume is pitr-NAME) on --storage/--store."})
  String instanceClone;

  @Option(names = "--storage", paramLabel = "KIND", description = {
      "With --into-instance-clone: zfs:POOL/DATASET, reflink or copy (default: what --store's filesystem allows)."})
  String storage;

  @Option(names = "--store", paramLabel = "DIR", description = "With --into-instance-clone on reflink or copy storage: its directory.")
  Path store;

  @Option(names = "--keep-stopped", description = "With --into-instance-clone: stop the clone's server at once instead of serving it.")
  boolean keepStopped;

  @Option(names = "--destroy", description = {"With --into-instance-clone NAME and no target: remove the clone, and the restored",
      "base backup when no other recovered clone uses it."})
  boolean destroy;

  @Option(names = "--lock-timeout", paramLabel = "DURATION", converter = DurationConverter.class, description = {
      "With --into-instance-clone: how long to wait while another recovery restores the same base backup (default 30m)."})
  Duration lockTimeout;

  @Override
  int execute() throws Exception {
    Format format = output.format(spec, Format.TEXT, Format.JSON);
    if (instanceClone == null && (storage != null || store != null || keepStopped || destroy || lockTimeout != null)) {
      throw usage("--storage, --store, --keep-stopped, --destroy and --lock-timeout go with --into-instance-clone NAME");
    }
    if (instanceClone != null && (into != null || planOnly || estimateLoss)) {
      throw usage("--into-instance-clone is where to recover: give it without --into, --plan or --estimate-loss");
    }
    if (instanceClone != null && !hasTarget()) {
      return new RecoverInstanceClone(this, format).startOrDestroy();
    }
    RecoveryTarget target = target();
    int modes = (into != null ? 1 : 0) + (serve ? 1 : 0) + (planOnly ? 1 : 0) + (estimateLoss ? 1 : 0)
        + (instanceClone != null ? 1 : 0);
    if (instanceClone != null && serve) {
      throw usage("--into-instance-clone serves the clone until Ctrl-C by itself (or give --keep-stopped); --serve is another place");
    }
    if (modes != 1) {
      throw usage("say where to recover: --into DIR, --serve, --into-instance-clone NAME, --plan or --estimate-loss");
    }
    if (destroy) {
      throw usage("--destroy removes an existing clone: give --into-instance-clone NAME without a target");
    }
    if (!estimateLoss && live.url != null) {
      throw usage("--url names the live database for --estimate-loss; recovery itself reads only the repository");
    }
    Target liveDb = estimateLoss ? live.target(cli, spec) : null;
    BackupRepository repo = repository.open(cli, spec, false);
    RecoveryRequest request = repo.recover(target).overwrite(overwrite).progress(new BackupProgress(reporter()));
    RecoveryPlan plan = request.plan();
    PrintStream out = cli.out();
    if (instanceClone != null) {
      return new RecoverInstanceClone(this, format).recover(request, plan);
    }
    if (planOnly) {
      if (format == Format.JSON) {
        out.print(Json.write(Map.of("plan", plan(plan))));
      } else {
        printPlan(out, plan);
      }
      return Main.OK;
    }
    if (format == Format.TEXT) {
      printPlan(out, plan);
      out.flush();
    }
    if (estimateLoss) {
      LossEstimate loss = request.lossEstimate(liveDb.url(), liveDb.user(), liveDb.password());
      if (format == Format.JSON) {
        out.print(Json.write(loss(loss)));
      } else {
        out.println("recovered    " + (loss.lastTransaction() == null ? "to the end of the backup"
            : "last transaction committed at " + loss.lastTransaction()) + " (a temporary copy, now removed)");
        for (String line : loss.describe()) {
          out.println(line);
        }
      }
      return Main.OK;
    }
    if (into != null) {
      RecoveryResult r = request.toDirectory(into);
      if (format == Format.JSON) {
        out.print(Json.write(result(r)));
      } else {
        printResult(out, r);
        out.println("The cluster in " + r.directory() + " is stopped. Start it with: lockplane recover ... --serve, or any"
            + " command taking --pgdata " + r.directory() + " --pg-version N, or LocalPostgres.builder().dataDirectory(...).");
      }
      return Main.OK;
    }
    try (RecoveredServer server = request.asServer()) {
      var pg = server.server();
      String url = "postgres://" + pg.user() + "@" + pg.host() + ":" + pg.port() + "/postgres";
      if (showPassword) {
        cli.secret(pg.password());
      }
      if (format == Format.JSON) {
        Map<String, Object> m = result(server.result());
        m.put("url", url);
        m.put("jdbcUrl", pg.jdbcUrl("postgres"));
        m.put("user", pg.user());
        if (showPassword) {
          m.put("password", pg.password());
        }
        out.print(Json.write(m));
      } else {
        printResult(out, server.result());
        out.println("connect: " + url + "  (password: " + (showPassword ? pg.password() : "--show-password prints it") + ")");
      }
      out.flush();
      reporter().info("The recovered server runs until this command is interrupted (Ctrl-C); its data is removed then.");
      reporter().finish();
      CountDownLatch never = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lockplane-recover"));
      never.await();
    }
    return Main.OK;
  }

  private boolean hasTarget() {
    return to != null || lsn != null || restorePoint != null || latest;
  }

  private RecoveryTarget target() {
    int n = (to != null ? 1 : 0) + (lsn != null ? 1 : 0) + (restorePoint != null ? 1 : 0) + (latest ? 1 : 0);
    if (n != 1) {
      throw usage("give one target: --to TIME, --lsn LSN, --restore-point NAME or --latest");
    }
    if (to != null) {
      return RecoveryTarget.time(parseTime(to));
    }
    if (lsn != null) {
      return RecoveryTarget.lsn(lsn);
    }
    return restorePoint != null ? RecoveryTarget.restorePoint(restorePoint) : RecoveryTarget.latest();
  }

  private Instant parseTime(String text) {
    String t = text.trim().replace(' ', 'T');
    if (t.matches(".*[+-]\\d\\d")) {
      t = t + ":00";
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      throw usage("--to '" + text + "' is not a moment with an offset, such as \"2026-11-30 10:15:00+00\" or 2026-11-30T10:15:00Z");
    }
  }

  static void printPlan(PrintStream out, RecoveryPlan p) {
    out.println("target       " + p.target().describe());
    out.println("base backup  " + p.backupId() + " (finished " + p.backupStopTime() + ", WAL up to " + p.backupStopWal() + ")");
    out.println("  because    it is " + p.reason());
    out.println("WAL          " + (p.firstSegment() == null ? "none archived after the backup"
        : p.firstSegment() + " .. " + p.lastSegment() + " (through " + p.walEnd() + ", archived until " + p.walArchivedUntil() + ")"));
    for (String note : p.notes()) {
      out.println("note         " + note);
    }
  }

  static void printResult(PrintStream out, RecoveryResult r) {
    out.println("recovered    " + (r.lastTransaction() == null ? "to the end of the backup (no later transaction replayed)"
        : "last transaction committed at " + r.lastTransaction()) + ", now on timeline " + r.timeline()
        + " (" + r.segmentsReplayed() + " WAL segments staged)");
    for (String line : r.serverLog()) {
      out.println("  postgres   " + line);
    }
  }

  static Map<String, Object> plan(RecoveryPlan p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", p.target().describe());
    m.put("systemIdentifier", p.systemIdentifier());
    m.put("backupId", p.backupId());
    m.put("backupStopTime", p.backupStopTime().toString());
    m.put("backupStopWal", p.backupStopWal());
    m.put("reason", p.reason());
    m.put("firstSegment", p.firstSegment());
    m.put("lastSegment", p.lastSegment());
    m.put("walEnd", p.walEnd());
    m.put("walArchivedUntil", p.walArchivedUntil().toString());
    m.put("stopsBefore", p.stopsBefore());
    m.put("notes", p.notes());
    return m;
  }

  private static Map<String, Object> loss(LossEstimate l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("plan", plan(l.plan()));
    m.put("database", l.database());
    m.put("lastTransaction", l.lastTransaction() == null ? null : l.lastTransaction().toString());
    m.put("summary", l.describe());
    m.put("rowsInserted", l.rowsInserted());
    m.put("rowsUpdated", l.rowsUpdated());
    m.put("rowsDeleted", l.rowsDeleted());
    m.put("transactionIdsAfter", l.transactionIdsAfter());
    m.put("archivedCommitsAfter", l.archivedCommitsAfter());
    m.put("tables", l.tables().stream().map(t -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("schema", t.schema());
      x.put("table", t.table());
      x.put("comparison", t.comparison().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      x.put("liveRows", t.liveRows());
      x.put("recoveredRows", t.recoveredRows());
      x.put("inserted", t.inserted());
      x.put("updated", t.updated());
      x.put("deleted", t.deleted());
      x.put("note", t.note());
      return x;
    }).toList());
    return m;
  }

  static Map<String, Object> result(RecoveryResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("plan", plan(r.plan()));
    m.put("directory", r.directory().toString());
    m.put("segmentsReplayed", r.segmentsReplayed());
    m.put("lastTransaction", r.lastTransaction() == null ? null : r.lastTransaction().toString());
    m.put("timeline", r.timeline());
    m.put("serverLog", r.serverLog());
    return m;
  }
}
