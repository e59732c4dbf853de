package dev.lockplane.benchmarks;

import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import dev.lockplane.backup.Progress;
import dev.lockplane.backup.RecoveredServer;
import dev.lockplane.backup.RecoveryTarget;
import dev.lockplane.backup.WalArchiver;
import dev.lockplane.internal.backup.PipelineProfile;
import dev.lockplane.internal.os.Posix;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Continuous WAL archiving and point-in-time recovery on one PostgreSQL 15 server (the machine's
 * pg_receivewal, pg_basebackup and pgbench are 15), in the same run:
 *
 * <ul>
 *   <li>archiving under a pgbench write load: Lockplane's {@code WalArchiver} (zstd + AES-256-GCM-HKDF
 *       objects, each with a manifest) and {@code pg_receivewal} (plain files) stream the same WAL,
 *       each through its own slot; after the load, how long each takes to hold the last WAL, and
 *       the CPU each used;</li>
 *   <li>a backlog: both stopped while pgbench writes, then started together; MB/s each archives;</li>
 *   <li>recovery to a moment inside the load: {@code recover(...).asServer()} (restore, WAL fetched
 *       in the background, replay, promote) until the first query answers, against the same by hand:
 *       copy a plain {@code pg_basebackup}, write {@code recovery.signal}, {@code restore_command}
 *       from pg_receivewal's directory and the target, start, first query;</li>
 *   <li>where each recovery's time goes: the library's progress phases and PostgreSQL's own log
 *       (redo start and end, ready), and with {@code -Dlockplane.backup.profile=true} the object
 *       pipeline's stages (read, decrypt, decompress, hash, write).</li>
 * </ul>
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -Dlockplane.backup.profile=true -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *     dev.lockplane.benchmarks.WalRecoveryBenchmark --scale 70 --load-seconds 600
 * </pre>
 */
public final class WalRecoveryBenchmark {
  private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
      .withZone(ZoneOffset.UTC);

  private WalRecoveryBenchmark() {}

  record Row(String what, String value, String note) {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --scale N} (pgbench scale, default 20: about 300 MB), {@code --load-seconds N}
   *     (default 180), {@code --backlog-seconds N} (default 60), {@code --clients N} (default 4),
   *     {@code --work DIR} (default a temp directory)
   */
  public static void main(String[] args) throws Exception {
    int scale = 20;
    int loadSeconds = 180;
    int backlogSeconds = 60;
    int clients = 4;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = Integer.parseInt(args[++i]);
        case "--load-seconds" -> loadSeconds = Integer.parseInt(args[++i]);
        case "--backlog-seconds" -> backlogSeconds = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("lockplane-walbench-");
    }
    Files.createDirectories(work);
    Posix.chmod(work, "rwx--x--x");
    List<Row> rows = new ArrayList<>();
    List<Row> profile = new ArrayList<>();
    List<String> loads = new ArrayList<>();
    String pipeline = "";
    loads.add("start " + loadAverage());
    try (LocalPostgres pg = LocalPostgres.builder().version(15).setting("wal_level", "replica")
        .setting("max_wal_senders", "10").setting("max_replication_slots", "10").setting("max_wal_size", "4GB")
        .setting("shared_buffers", "256MB").start()) {
      String url = "postgres://" + pg.host() + ":" + pg.port() + "/postgres";
      long t = System.nanoTime();
      run(pg, work, "pgbench", "-i", "-q", "-s", String.valueOf(scale), "postgres");
      long dbBytes = scalarLong(pg, "SELECT pg_database_size('postgres')");
      rows.add(new Row("database (pgbench -i -s " + scale + ")", mb(dbBytes) + " MB", String.format(Locale.ROOT, "loaded in %.0f s", secs(t))));
      exec(pg, "SELECT pg_create_physical_replication_slot('lp_bench', true)",
          "SELECT pg_create_physical_replication_slot('rw_bench', true)");

      BackupRepository repo = BackupRepository.at(work.resolve("repo")).encryptWith(Keyset.generate()).open();
      Path receiveDir = Files.createDirectories(work.resolve("receivewal"));
      Process receiver = start(pg, work, "pg_receivewal", "-D", receiveDir.toString(), "-S", "rw_bench", "--no-loop");
      WalArchiver archiver = repo.walArchiver().source(url, pg.user(), pg.password()).slot("lp_bench").start();
      t = System.nanoTime();
      repo.backup().physical(url, pg.user(), pg.password()).run();
      rows.add(new Row("Lockplane base backup (replication protocol, encrypted)", String.format(Locale.ROOT, "%.1f s", secs(t)), ""));
      t = System.nanoTime();
      run(pg, work, "pg_basebackup", "-Fp", "-X", "none", "-c", "fast", "-D", work.resolve("basebackup").toString());
      rows.add(new Row("pg_basebackup -Fp -X none (for the manual recovery)", String.format(Locale.ROOT, "%.1f s", secs(t)), ""));

      // the load, both archivers streaming; the target is two thirds into it
      long cpu0 = cpuNanos();
      Duration rcv0 = cpu(receiver);
      String startLsn = scalar(pg, "SELECT pg_current_wal_lsn()::text");
      Process bench = start(pg, work, "pgbench", "-c", String.valueOf(clients), "-j", "2", "-T", String.valueOf(loadSeconds),
          "-n", "postgres");
      Thread.sleep(loadSeconds * 2000L / 3);
      Instant target = Instant.now();
      loads.add("during the load " + loadAverage());
      if (!bench.waitFor(loadSeconds + 600, TimeUnit.SECONDS) || bench.exitValue() != 0) {
        throw new IllegalStateException("pgbench failed: " + Files.readString(work.resolve("pgbench.log")));
      }
      String endLsn = scalar(pg, "SELECT pg_switch_wal()::text");
      long walBytes = scalarLong(pg, "SELECT pg_wal_lsn_diff('" + endLsn + "', '" + startLsn + "')::bigint");
      long loadEnd = System.nanoTime();
      archiver.awaitArchived(endLsn, Duration.ofMinutes(30));
      double lpLag = secs(loadEnd);
      double lpCpu = (cpuNanos() - cpu0) / 1e9;
      double rwLag = awaitReceived(pg, receiveDir, endLsn, loadEnd);
      double rwCpu = cpu(receiver).minus(rcv0).toMillis() / 1000.0;
      String tps = Files.readAllLines(work.resolve("pgbench.log")).stream().filter(l -> l.startsWith("tps")).findFirst().orElse("");
      rows.add(new Row("pgbench write load", loadSeconds + " s, " + mb(walBytes) + " MB of WAL",
          String.format(Locale.ROOT, "%.1f MB/s of WAL; %s", mb(walBytes) / (double) loadSeconds, tps)));
      rows.add(new Row("WalArchiver under load: caught up after the load", String.format(Locale.ROOT, "%.1f s", lpLag),
          String.format(Locale.ROOT, "JVM CPU %.1f s during the load (zstd + AEAD + SHA-256)", lpCpu)));
      rows.add(new Row("pg_receivewal under load: caught up after the load", String.format(Locale.ROOT, "%.1f s", rwLag),
          String.format(Locale.ROOT, "CPU %.1f s (plain files)", rwCpu)));

      // a backlog: both stopped, the slots hold the WAL, then both started at once
      archiver.close();
      receiver.destroy();
      receiver.waitFor();
      run(pg, work, "pgbench", "-c", String.valueOf(clients), "-j", "2", "-T", String.valueOf(backlogSeconds), "-n", "postgres");
      String backlogEnd = scalar(pg, "SELECT pg_switch_wal()::text");
      long backlog = scalarLong(pg, "SELECT pg_wal_lsn_diff('" + backlogEnd + "', restart_lsn)::bigint FROM pg_replication_slots"
          + " WHERE slot_name = 'rw_bench'");
      long b0 = System.nanoTime();
      Process receiver2 = start(pg, work, "pg_receivewal", "-D", receiveDir.toString(), "-S", "rw_bench", "--no-loop");
      archiver = repo.walArchiver().source(url, pg.user(), pg.password()).slot("lp_bench").start();
      double[] rwSecs = new double[1];
      Thread rw = new Thread(() -> {
        try {
          rwSecs[0] = awaitReceived(pg, receiveDir, backlogEnd, b0);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      rw.start();
      archiver.awaitArchived(backlogEnd, Duration.ofMinutes(30));
      double lpSecs = secs(b0);
      rw.join();
      rows.add(new Row("backlog of " + mb(backlog) + " MB, both started together: WalArchiver",
          String.format(Locale.ROOT, "%.1f s", lpSecs), String.format(Locale.ROOT, "%.0f MB/s", mb(backlog) / lpSecs)));
      rows.add(new Row("backlog of " + mb(backlog) + " MB, both started together: pg_receivewal",
          String.format(Locale.ROOT, "%.1f s", rwSecs[0]), String.format(Locale.ROOT, "%.0f MB/s", mb(backlog) / rwSecs[0])));
      archiver.close();
      receiver2.destroy();
      receiver2.waitFor();

      // recovery to the moment two thirds into the load, each phase timed
      loads.add("before recovery " + loadAverage());
      RecoveryPhases phases = new RecoveryPhases();
      PipelineProfile.reset();
      Instant lp0 = Instant.now();
      t = System.nanoTime();
      long lpRows;
      Map<String, Instant> lpLog;
      Instant lpOpen;
      Instant lpAnswered;
      RecoveredServer recovered = repo.recover(RecoveryTarget.time(target)).progress(phases).asServer();
      try (recovered) {
        lpOpen = Instant.now();
        lpRows = scalarLong(recovered.server(), "SELECT sum(abalance) FROM pgbench_accounts");
        lpAnswered = Instant.now();
        rows.add(new Row("recover --to T → connectable (Lockplane)", String.format(Locale.ROOT, "%.1f s", secs(t)),
            recovered.result().segmentsReplayed() + " segments staged; restore + replay + promote + first query"));
        lpLog = RecoveryPhases.serverLog(recovered.server().serverLog());
      }
      pipeline = PipelineProfile.table();
      Instant hand0 = Instant.now();
      t = System.nanoTime();
      Path manual = work.resolve("manual");
      copy(pg, work, work.resolve("basebackup"), manual);
      Instant copied = Instant.now();
      Files.writeString(manual.resolve("recovery.signal"), "");
      Posix.chownTree(manual, Posix.serverUser(null));
      Posix.chownTree(receiveDir, Posix.serverUser(null));
      Map<String, Instant> handLog;
      Instant handOpen;
      Instant handAnswered;
      try (LocalPostgres byHand = LocalPostgres.builder().version(15).dataDirectory(manual)
          .setting("restore_command", "cp '" + receiveDir + "/%f' '%p'")
          .setting("recovery_target_time", PG_TIME.format(target)).setting("recovery_target_action", "promote")
          .setting("hot_standby", "off").startTimeout(Duration.ofHours(1)).start()) {
        handOpen = Instant.now();
        long manualRows = scalarLong(byHand, "SELECT sum(abalance) FROM pgbench_accounts");
        handAnswered = Instant.now();
        rows.add(new Row("copy + recovery.signal + restore_command → connectable (by hand)",
            String.format(Locale.ROOT, "%.1f s", secs(t)), "plain base backup, WAL from pg_receivewal"));
        if (manualRows != lpRows) {
          throw new IllegalStateException("the two recoveries differ: sum(abalance) " + lpRows + " vs " + manualRows);
        }
        handLog = RecoveryPhases.serverLog(byHand.serverLog());
      }
      loads.add("after recovery " + loadAverage());
      Instant restoring = phases.entered(Progress.Phase.RESTORING);
      Instant staging = phases.entered(Progress.Phase.WAL);
      Instant starting = phases.entered(Progress.Phase.DRILLING);
      profile.add(new Row("plan (choose backup and WAL) / —", f(RecoveryPhases.secs(lp0, restoring)), "—"));
      // WAL staged before the server starts reports a phase of its own; WAL fetched in the background does not
      profile.add(new Row("base backup: restore (read, decrypt, decompress, write) / cp -a",
          f(RecoveryPhases.secs(restoring, staging != null ? staging : starting)), f(RecoveryPhases.secs(hand0, copied))));
      profile.add(new Row("WAL: staged before the server starts / —", staging != null
          ? f(RecoveryPhases.secs(staging, starting)) : "0 (fetched during restore and replay)", "—"));
      profile.add(new Row("server start → redo starts", f(RecoveryPhases.secs(starting, lpLog.get("redo"))),
          f(RecoveryPhases.secs(copied, handLog.get("redo")))));
      profile.add(new Row("replay (redo starts → redo done; restore_command fetches)",
          f(RecoveryPhases.secs(lpLog.get("redo"), lpLog.get("redone"))),
          f(RecoveryPhases.secs(handLog.get("redo"), handLog.get("redone")))));
      profile.add(new Row("end of recovery, promote → accepting connections",
          f(RecoveryPhases.secs(lpLog.get("redone"), lpLog.get("ready"))),
          f(RecoveryPhases.secs(handLog.get("redone"), handLog.get("ready")))));
      profile.add(new Row("accepting connections → handed to the caller", f(RecoveryPhases.secs(lpLog.get("ready"), lpOpen)),
          f(RecoveryPhases.secs(handLog.get("ready"), handOpen))));
      profile.add(new Row("first query (sum(abalance))", f(RecoveryPhases.secs(lpOpen, lpAnswered)),
          f(RecoveryPhases.secs(handOpen, handAnswered))));
      profile.add(new Row("total", f(RecoveryPhases.secs(lp0, lpAnswered)), f(RecoveryPhases.secs(hand0, handAnswered))));
    } finally {
      BenchFiles.deleteQuietly(work);
    }
    System.out.println();
    System.out.println("| measurement | value | note |");
    System.out.println("|---|---:|---|");
    for (Row r : rows) {
      System.out.println("| " + r.what() + " | " + r.value() + " | " + r.note() + " |");
    }
    System.out.println();
    System.out.println("| recovery phase (Lockplane / by hand) | Lockplane s | by hand s |");
    System.out.println("|---|---:|---:|");
    for (Row r : profile) {
      System.out.println("| " + r.what() + " | " + r.value() + " | " + r.note() + " |");
    }
    if (PipelineProfile.ON) {
      System.out.println();
      System.out.println("| recover --to: object pipeline stage | seconds (all threads) | share |");
      System.out.println("|---|---:|---:|");
      System.out.print(pipeline);
    }
    System.out.println();
    System.out.println("load average (1, 5, 15 min): " + String.join("; ", loads));
  }

  /** Waits until pg_receivewal holds, complete (renamed from .partial after its fsync), the segment ending at {@code lsn}. */
  private static double awaitReceived(LocalPostgres pg, Path dir, String lsn, long since) throws Exception {
    String segment = scalar(pg, "SELECT pg_walfile_name('" + lsn + "')");
    while (!Files.exists(dir.resolve(segment))) {
      if (secs(since) > 1800) {
        throw new IllegalStateException("pg_receivewal did not complete segment " + segment);
      }
      Thread.sleep(20);
    }
    return secs(since);
  }

  private static void copy(LocalPostgres pg, Path work, Path from, Path to) throws Exception {
    Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).redirectErrorStream(true)
        .redirectOutput(work.resolve("cp.log").toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("cp failed: " + Files.readString(work.resolve("cp.log")));
    }
  }

  private static Process start(LocalPostgres pg, Path work, String tool, String... args) throws Exception {
    Path bin = pg.installation().tool(tool).orElseThrow(() -> new IllegalStateException("no " + tool + " 15"));
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(tool + ".log").toFile());
    pb.environment().put("PGPASSWORD", pg.password());
    return pb.start();
  }

  private static void run(LocalPostgres pg, Path work, String tool, String... args) throws Exception {
    Process p = start(pg, work, tool, args);
    if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
      throw new IllegalStateException(tool + " failed: " + Files.readString(work.resolve(tool + ".log")));
    }
  }

  private static Duration cpu(Process p) {
    return p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static void exec(LocalPostgres pg, String... sql) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private static String scalar(LocalPostgres pg, String sql) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long scalarLong(LocalPostgres pg, String sql) throws Exception {
    return Long.parseLong(scalar(pg, sql));
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String f(double secs) {
    return Double.isNaN(secs) ? "?" : String.format(Locale.ROOT, "%.1f", secs);
  }

  private static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return l[0] + " " + l[1] + " " + l[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static long mb(long bytes) {
    return bytes >> 20;
  }
}
