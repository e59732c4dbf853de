package dev.lockplane.benchmarks;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import dev.lockplane.backup.RestoredServer;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A full physical backup against incremental ones after 1 % of the rows changed, side by side in
 * one run, on one server: time and bytes stored (zstd + AEAD). Two kinds of change: the 1 % most
 * recent rows (contiguous, as an application that updates recent orders), and every 100th row
 * (scattered over the whole table, which touches about a third of its blocks). PostgreSQL 18 with
 * {@code summarize_wal = on} stores changed blocks; {@code --version 15} measures the file and part
 * level of PostgreSQL 13–16.
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *     dev.lockplane.benchmarks.IncrementalBackupBenchmark --size-mb 500
 * </pre>
 */
public final class IncrementalBackupBenchmark {
  private IncrementalBackupBenchmark() {}

  record Row(String what, double seconds, long stored, long represented, String note) {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --size-mb N} (default 500), {@code --version N} (default 18), {@code --work DIR}
   */
  public static void main(String[] args) throws Exception {
    int sizeMb = 500;
    int version = 18;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size-mb" -> sizeMb = Integer.parseInt(args[++i]);
        case "--version" -> version = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("lockplane-bench-");
    }
    Files.createDirectories(work);
    List<Row> rows = new ArrayList<>();
    LocalPostgres.Builder builder = LocalPostgres.builder().version(version).setting("max_wal_size", "4GB");
    if (version >= 17) {
      builder.setting("summarize_wal", "on");
    }
    try (LocalPostgres pg = builder.start()) {
      long t = System.nanoTime();
      long dbBytes = BackupBenchmark.load(pg, sizeMb);
      long total;
      try (Connection c = pg.connect("bench"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT max(id) FROM items")) {
        rs.next();
        total = rs.getLong(1);
      }
      System.err.printf(Locale.ROOT, "PostgreSQL %d: loaded %d MB (%d rows) in %.1f s%n", version, dbBytes >> 20, total, secs(t));
      BackupRepository repo = BackupRepository.at(work.resolve("repo")).encryptWith(Keyset.generate()).open();
      // warm the page cache and the JIT; the warm-up backup is not measured
      repo.backup().physical(pg).run();

      PhaseClock clock = new PhaseClock();
      t = System.nanoTime();
      Backup full = repo.backup().physical(pg).progress(clock).run();
      double fullSecs = secs(t);
      rows.add(new Row("full physical backup", fullSecs, full.storedSize(), full.size(), clock.line()));
      clock = new PhaseClock();
      t = System.nanoTime();
      Backup bare = repo.backup().physical(pg).withoutRowCounts().progress(clock).run();
      double bareSecs = secs(t);
      rows.add(new Row("full physical backup, without row counts", bareSecs, bare.storedSize(), bare.size(), clock.line()));

      // the same over replication (BASE_BACKUP on Lockplane's own connection), as for a server elsewhere
      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE bench_repl LOGIN REPLICATION PASSWORD 'bench-repl'");
      }
      String url = "postgres://127.0.0.1:" + pg.port() + "/postgres";
      t = System.nanoTime();
      Backup replFull = repo.backup().physical(url, "bench_repl", "bench-repl").withoutRowCounts().run();
      double replFullSecs = secs(t);
      rows.add(new Row("full backup over replication, without row counts", replFullSecs, replFull.storedSize(),
          replFull.size(), ""));

      change(pg, "UPDATE items SET qty = qty + 1, price = price + 0.01 WHERE id > " + (total - total / 100));
      clock = new PhaseClock();
      t = System.nanoTime();
      Backup recent = repo.backup().physical(pg).incrementalFrom(full.id()).progress(clock).run();
      double recentSecs = secs(t);
      rows.add(new Row("incremental, 1 % of rows changed (the most recent)", recentSecs, recent.storedSize(), recent.size(),
          ratio(recentSecs, fullSecs, recent, full) + "; " + method(repo, recent) + "; " + clock.line()));

      clock = new PhaseClock();
      t = System.nanoTime();
      Backup recentBare = repo.backup().physical(pg).incrementalFrom(bare.id()).withoutRowCounts().progress(clock).run();
      double recentBareSecs = secs(t);
      rows.add(new Row("the same incremental without row counts (on the full one without)", recentBareSecs,
          recentBare.storedSize(), recentBare.size(), ratio(recentBareSecs, bareSecs, recentBare, bare) + "; "
              + method(repo, recentBare) + "; " + clock.line()));

      t = System.nanoTime();
      Backup replRecent = repo.backup().physical(url, "bench_repl", "bench-repl").incrementalFrom(replFull.id())
          .withoutRowCounts().run();
      double replRecentSecs = secs(t);
      rows.add(new Row("the same incremental over replication, without row counts", replRecentSecs,
          replRecent.storedSize(), replRecent.size(), ratio(replRecentSecs, replFullSecs, replRecent, replFull) + "; "
              + method(repo, replRecent)));

      change(pg, "UPDATE items SET qty = qty + 1 WHERE id % 100 = 7");
      clock = new PhaseClock();
      t = System.nanoTime();
      Backup scattered = repo.backup().physical(pg).incrementalFrom(recent.id()).progress(clock).run();
      double scatteredSecs = secs(t);
      rows.add(new Row("incremental on that, 1 % of rows changed (every 100th)", scatteredSecs, scattered.storedSize(),
          scattered.size(), ratio(scatteredSecs, fullSecs, scattered, full) + "; " + method(repo, scattered) + "; "
              + clock.line()));

      long count;
      t = System.nanoTime();
      try (RestoredServer r = repo.restore(scattered.id()).asServer(); Connection c = r.server().connect("bench");
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
        rs.next();
        count = rs.getLong(1);
      }
      rows.add(new Row("restore the chain (full + 2 incrementals) + start + query", secs(t), 0, scattered.size(),
          count + " rows in items"));
      t = System.nanoTime();
      try (RestoredServer r = repo.restore(full.id()).asServer(); Connection c = r.server().connect("bench");
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
        rs.next();
      }
      rows.add(new Row("restore the full backup alone + start + query", secs(t), 0, full.size(), ""));
    } finally {
      BenchFiles.deleteQuietly(work);
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "| %-56s | %8s | %10s | %14s | %s |%n", "operation", "seconds", "stored MB", "represented MB", "note");
    System.out.println("|---|---:|---:|---:|---|");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %-56s | %8.1f | %10s | %14.1f | %s |%n", r.what(), r.seconds(),
          r.stored() == 0 ? "" : String.format(Locale.ROOT, "%.1f", mb(r.stored())), mb(r.represented()), r.note());
    }
  }

  private static void change(LocalPostgres pg, String sql) throws Exception {
    try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
      long t = System.nanoTime();
      int n = s.executeUpdate(sql);
      s.execute("CHECKPOINT");
      System.err.printf(Locale.ROOT, "%d rows changed in %.1f s%n", n, secs(t));
    }
  }

  private static String ratio(double secs, double fullSecs, Backup b, Backup full) {
    return String.format(Locale.ROOT, "%.0f %% of the full backup's time, %.1f %% of its stored bytes", secs / fullSecs * 100,
        b.storedSize() * 100.0 / full.storedSize());
  }

  private static String method(BackupRepository repo, Backup b) {
    String json = repo.manifestJson(b.id());
    return json.contains("\"method\" : \"block\"") ? "block level" : "file level";
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double mb(long bytes) {
    return bytes / 1048576.0;
  }
}
