package dev.lockplane.benchmarks;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * A full physical backup and an incremental after 1 % of the rows changed (the most recent), both
 * without row counts, repeated in one JVM on one PostgreSQL 18 server with {@code summarize_wal =
 * on}: one pair says little on a noisy machine, the median of several does. The server's data
 * directory is kept under {@code --work} and loaded once, so that two builds can be run one after
 * the other on the same cluster (each iteration's update grows the table a little).
 *
 * <pre>
 * java -cp ... dev.lockplane.benchmarks.IncrementalRepeatBenchmark --work /var/tmp/incpg --size-mb 1000 --pairs 5
 * </pre>
 */
public final class IncrementalRepeatBenchmark {
  private IncrementalRepeatBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --work DIR} (required; the data directory is kept in it), {@code --size-mb N}
   *     (default 1000, when the data directory is first made), {@code --pairs N} (default 5)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path work = null;
    int sizeMb = 1000;
    int pairs = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[++i]);
        case "--size-mb" -> sizeMb = Integer.parseInt(args[++i]);
        case "--pairs" -> pairs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (work == null) {
      throw new IllegalArgumentException("--work DIR is required");
    }
    Path data = work.resolve("data");
    boolean fresh = !Files.exists(data.resolve("PG_VERSION"));
    try (LocalPostgres pg = LocalPostgres.builder().version(18).dataDirectory(data).setting("summarize_wal", "on")
        .setting("max_wal_size", "4GB").start()) {
      if (fresh) {
        BackupBenchmark.load(pg, sizeMb);
      }
      long total;
      try (Connection c = pg.connect("bench"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT max(id) FROM items")) {
        rs.next();
        total = rs.getLong(1);
      }
      Path repoDir = work.resolve("repo");
      BenchFiles.deleteQuietly(repoDir);
      BackupRepository repo = BackupRepository.at(repoDir).encryptWith(Keyset.generate()).open();
      // warms the page cache and the JIT; not measured
      repo.backup().physical(pg).withoutRowCounts().run();
      double[] ratios = new double[pairs];
      double[] incrementals = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        long t = System.nanoTime();
        Backup full = repo.backup().physical(pg).withoutRowCounts().run();
        double fullSecs = (System.nanoTime() - t) / 1e9;
        try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
          s.executeUpdate("UPDATE items SET qty = qty + 1, price = price + 0.01 WHERE id > " + (total - total / 100));
          s.execute("CHECKPOINT");
        }
        t = System.nanoTime();
        Backup inc = repo.backup().physical(pg).incrementalFrom(full.id()).withoutRowCounts().run();
        incrementals[i] = (System.nanoTime() - t) / 1e9;
        ratios[i] = incrementals[i] / fullSecs * 100;
        System.out.printf(Locale.ROOT, "pair %d: full %.2f s, incremental %.3f s = %.1f %% (%.1f %% of the bytes)%n", i + 1,
            fullSecs, incrementals[i], ratios[i], inc.storedSize() * 100.0 / full.storedSize());
      }
      System.out.printf(Locale.ROOT, "median: incremental %.3f s, %.1f %% of the full backup's time%n",
          Stats.median(incrementals), Stats.median(ratios));
      BenchFiles.deleteQuietly(repoDir);
    }
  }
}
