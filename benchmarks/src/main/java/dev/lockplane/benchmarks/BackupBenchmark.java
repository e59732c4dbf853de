package dev.lockplane.benchmarks;

import static dev.lockplane.benchmarks.Stats.list;
import static dev.lockplane.benchmarks.Stats.mb;
import static dev.lockplane.benchmarks.Stats.median;
import static dev.lockplane.benchmarks.Stats.secs;

import com.github.luben.zstd.Zstd;
import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.BackupRequest;
import dev.lockplane.backup.Keyset;
import dev.lockplane.backup.VerifyDepth;
import dev.lockplane.backup.VerifyReport;
import dev.lockplane.internal.backup.PipelineProfile;
import dev.lockplane.postgres.LocalPostgres;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Lockplane's physical backup pipeline against {@code pg_basebackup} in one run, on one PostgreSQL
 * 15 server (the machine's {@code pg_basebackup} is 15): backup (zstd + AEAD, the repository's
 * defaults), from the data directory and over replication ({@code BASE_BACKUP} on Lockplane's own
 * connection), against {@code pg_basebackup} plain, rotating, medians; verify with the key; restore
 * against {@code cp -r} of the same data directory, alternating, medians; and the per-stage profile
 * of each Lockplane operation ({@code -Dlockplane.backup.profile=true}).
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -Dlockplane.backup.profile=true -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *     dev.lockplane.benchmarks.BackupBenchmark --size-mb 1000
 * </pre>
 */
public final class BackupBenchmark {
  private BackupBenchmark() {}

  record Row(String what, double seconds, long bytes, String note) {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --size-mb N} (default 1000), {@code --runs N} (default 3), {@code --work DIR}
   *     (default a temp directory), {@code --parallelism N} (Lockplane's threads; default the number of processors),
   *     {@code --no-row-counts} (Lockplane's backups without row counts)
   */
  public static void main(String[] args) throws Exception {
    int sizeMb = 1000;
    int runs = 3;
    Path work = null;
    int parallelism = Runtime.getRuntime().availableProcessors();
    boolean countRows = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size-mb" -> sizeMb = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
        case "--no-row-counts" -> countRows = false;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("lockplane-bench-");
    }
    Files.createDirectories(work);
    List<Row> rows = new ArrayList<>();
    StringBuilder profiles = new StringBuilder();
    StringBuilder levels = new StringBuilder();
    try (LocalPostgres pg = LocalPostgres.builder().version(15).setting("max_wal_size", "4GB").start()) {
      long t = System.nanoTime();
      long dbBytes = load(pg, sizeMb);
      System.err.printf(Locale.ROOT, "loaded %d MB in %.1f s%n", dbBytes >> 20, secs(t));
      rows.add(new Row("database size (pg_database_size)", 0, dbBytes, ""));
      zstdLevels(pg.dataDirectory(), levels);

      Keyset keys = Keyset.generate();
      Path repoDir = work.resolve("repo");
      Path bbDir = work.resolve("bb-plain");
      List<String> basebackup = List.of("pg_basebackup", "-Fp", "-X", "stream", "-c", "fast", "-D", bbDir.toString());

      // warm the page cache and the JIT once, so that neither side pays for a cold first run
      BackupRepository.at(repoDir).encryptWith(keys).parallelism(parallelism).open().backup().physical(pg).run();
      BenchFiles.delete(repoDir);
      tool(pg, work, basebackup);
      BenchFiles.delete(bbDir);

      try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE bench_repl LOGIN REPLICATION PASSWORD 'bench-repl'");
      }
      String url = "postgres://127.0.0.1:" + pg.port() + "/postgres";
      Path replRepoDir = work.resolve("repo-repl");

      // rotating triples, medians: the machine is shared, so its load changes between runs
      double[] bb = new double[runs];
      double[] lp = new double[runs];
      double[] rp = new double[runs];
      Backup lastRepl = null;
      double replCpu = 0;
      long bbBytes = 0;
      Backup last = null;
      String phases = "";
      BackupRepository repo = null;
      for (int i = 0; i < runs; i++) {
        for (int k = 0; k < 3; k++) {
          if ((i + k) % 3 == 0) {
            BenchFiles.deleteQuietly(bbDir);
            bb[i] = tool(pg, work, basebackup);
            bbBytes = BenchFiles.size(bbDir);
          } else if ((i + k) % 3 == 2) {
            BenchFiles.deleteQuietly(replRepoDir);
            BackupRepository replRepo = BackupRepository.at(replRepoDir).encryptWith(keys).parallelism(parallelism).open();
            long cpu0 = processCpuNanos();
            t = System.nanoTime();
            BackupRequest request = replRepo.backup().physical(url, "bench_repl", "bench-repl");
            lastRepl = (countRows ? request : request.withoutRowCounts()).run();
            rp[i] = secs(t);
            replCpu = (processCpuNanos() - cpu0) / 1e9;
          } else {
            BenchFiles.deleteQuietly(repoDir);
            repo = BackupRepository.at(repoDir).encryptWith(keys).parallelism(parallelism).open();
            PipelineProfile.reset();
            PhaseClock clock = new PhaseClock();
            long cpu0 = processCpuNanos();
            t = System.nanoTime();
            BackupRequest request = repo.backup().physical(pg).progress(clock);
            last = (countRows ? request : request.withoutRowCounts()).run();
            lp[i] = secs(t);
            phases = clock.table() + String.format(Locale.ROOT, "| whole backup: this JVM's CPU seconds (all threads, GC and JIT too) | %.2f |%n",
                (processCpuNanos() - cpu0) / 1e9);
          }
        }
      }
      profiles.append("| backup (last run), phases | wall seconds |\n|---|---:|\n").append(phases).append('\n');
      profile(profiles, "backup (last run)");
      double bbSecs = median(bb);
      double lpSecs = median(lp);
      rows.add(new Row("pg_basebackup plain (-Fp -X stream), median of " + runs, bbSecs, bbBytes,
          String.format(Locale.ROOT, "%.0f MB/s; runs %s s", mb(bbBytes) / bbSecs, list(bb))));
      rows.add(new Row("Lockplane physical, zstd + AES-256-GCM-HKDF, median of " + runs, lpSecs, last.storedSize(),
          String.format(Locale.ROOT, "%.0f MB/s of data; runs %s s; **%.2f× pg_basebackup's throughput, stores %.1f× less**",
              mb(last.size()) / lpSecs, list(lp), (last.size() / lpSecs) / (bbBytes / bbSecs),
              (double) bbBytes / last.storedSize())));

      double rpSecs = median(rp);
      rows.add(new Row("Lockplane physical over replication (BASE_BACKUP), zstd + AES-256-GCM-HKDF, median of " + runs,
          rpSecs, lastRepl.storedSize(), String.format(Locale.ROOT, "%.0f MB/s of data; runs %s s; **%.2f× pg_basebackup's "
              + "throughput**; this JVM's CPU in the last run %.2f s (the server's walsender shares the 2 cores)",
              mb(lastRepl.size()) / rpSecs, list(rp), (lastRepl.size() / rpSecs) / (bbBytes / bbSecs), replCpu)));
      BenchFiles.deleteQuietly(replRepoDir);

      PipelineProfile.reset();
      t = System.nanoTime();
      VerifyReport vk = repo.verify(last.id(), VerifyDepth.DATA);
      double vkSecs = secs(t);
      profile(profiles, "verify with key");
      rows.add(new Row("verify data, with key (stored + plaintext SHA-256)", vkSecs, vk.bytesChecked(),
          String.format(Locale.ROOT, "**%.0f MB/s of data**, %.0f MB/s of stored bytes", mb(last.size()) / vkSecs,
              mb(vk.bytesChecked()) / vkSecs)));

      // alternating pairs, medians, as for the backups: one copy and one restore swing with the page cache
      Path copy = work.resolve("copy");
      Path restored = work.resolve("restored");
      double[] cps = new double[runs];
      double[] rs = new double[runs];
      long copyBytes = 0;
      long restoredBytes = 0;
      for (int i = 0; i < runs; i++) {
        for (int k = 0; k < 2; k++) {
          if ((i + k) % 2 == 0) {
            t = System.nanoTime();
            Process cp = new ProcessBuilder("cp", "-r", bbDir.toString(), copy.toString()).inheritIO().start();
            if (!cp.waitFor(1, TimeUnit.HOURS) || cp.exitValue() != 0) {
              throw new IllegalStateException("cp -r failed");
            }
            cps[i] = secs(t);
            copyBytes = BenchFiles.size(copy);
            BenchFiles.delete(copy);
          } else {
            PipelineProfile.reset();
            t = System.nanoTime();
            repo.restore(last.id()).toDirectory(restored);
            rs[i] = secs(t);
            restoredBytes = BenchFiles.size(restored);
            BenchFiles.delete(restored);
          }
        }
      }
      profile(profiles, "restore (last run)");
      double cpSecs = median(cps);
      double rSecs = median(rs);
      rows.add(new Row("cp -r of the data directory (pg_basebackup's copy), median of " + runs, cpSecs, copyBytes,
          String.format(Locale.ROOT, "%.0f MB/s; runs %s s", mb(copyBytes) / cpSecs, list(cps))));
      rows.add(new Row("Lockplane restore into a directory (decrypt, decompress, check), median of " + runs, rSecs,
          restoredBytes, String.format(Locale.ROOT, "%.0f MB/s; runs %s s; **%.2f× the time of cp -r**",
              mb(last.size()) / rSecs, list(rs), rSecs / cpSecs)));
      if (!vk.ok()) {
        throw new IllegalStateException("verification failed: " + vk.problems());
      }
    } finally {
      BenchFiles.deleteQuietly(work);
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "| %-60s | %7s | %9s | %s |%n", "operation", "seconds", "MB", "note");
    System.out.println("|---|---:|---:|---|");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %-60s | %7s | %9.1f | %s |%n", r.what(),
          r.seconds() == 0 ? "" : String.format(Locale.ROOT, "%.1f", r.seconds()), mb(r.bytes()), r.note());
    }
    System.out.println();
    System.out.print(levels);
    if (PipelineProfile.ON) {
      System.out.println();
      System.out.print(profiles);
    }
  }

  /** Adds the stage profile of the last operation, as table rows under a heading. */
  private static void profile(StringBuilder out, String what) {
    if (PipelineProfile.ON) {
      out.append("| ").append(what).append(" | seconds (all threads) | share |\n|---|---:|---:|\n")
          .append(PipelineProfile.table()).append('\n');
    }
  }

  /** Compression ratio and single-core speed of zstd levels on the largest relation file's first 64 MB. */
  private static void zstdLevels(Path dataDir, StringBuilder out) throws Exception {
    Path largest;
    try (Stream<Path> s = Files.walk(dataDir.resolve("base"))) {
      largest = s.filter(Files::isRegularFile).max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 << 20, Files.size(largest)));
    try (FileChannel ch = FileChannel.open(largest, StandardOpenOption.READ)) {
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // fill
      }
    }
    byte[] data = buf.array();
    byte[] dst = new byte[(int) Zstd.compressBound(data.length)];
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    out.append("| zstd level | ratio | MB/s per core |\n|---:|---:|---:|\n");
    for (int level : new int[] {1, 2, 3}) {
      long n = 0;
      long cpu = mx.getCurrentThreadCpuTime();
      for (int r = 0; r < 3; r++) {
        n = Zstd.compressByteArray(dst, 0, dst.length, data, 0, data.length, level);
      }
      double s = (mx.getCurrentThreadCpuTime() - cpu) / 1e9 / 3;
      out.append(String.format(Locale.ROOT, "| %d | %.2f | %.0f |%n", level, (double) data.length / n, mb(data.length) / s));
    }
  }

  private static double tool(LocalPostgres pg, Path work, List<String> command) throws Exception {
    Path bin = pg.installation().tool(command.get(0)).orElseThrow(() -> new IllegalStateException("no " + command.get(0) + " 15"));
    List<String> cmd = new ArrayList<>(command);
    cmd.set(0, bin.toString());
    cmd.addAll(List.of("-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(), "--no-password"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("tool.log").toFile());
    pb.environment().put("PGPASSWORD", pg.password());
    long t = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
      throw new IllegalStateException(command.get(0) + " failed: " + Files.readString(work.resolve("tool.log")));
    }
    return secs(t);
  }

  /** Creates database {@code bench} of about {@code sizeMb} MB: mixed text, numbers, timestamps, an index. */
  static long load(LocalPostgres pg, int sizeMb) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE bench");
    }
    long rowsWanted = (long) sizeMb * 1024 * 1024 / 200;
    try (Connection c = pg.connect("bench"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id bigint PRIMARY KEY, sku text, description text, price numeric(10,2),"
          + " qty int, created timestamptz, payload jsonb)");
      long step = 500_000;
      for (long from = 1; from <= rowsWanted; from += step) {
        long to = Math.min(rowsWanted, from + step - 1);
        s.execute("INSERT INTO items SELECT g, 'SKU-' || lpad((g % 100000)::text, 6, '0'),"
            + " 'item ' || g || ' ' || md5(g::text) || ' ' || md5((g * 7)::text), (g % 10000) / 100.0, (g % 97)::int,"
            + " timestamptz '2024-01-01' + g * interval '1 second',"
            + " jsonb_build_object('color', (ARRAY['red','green','blue','black'])[1 + g % 4], 'weight', g % 1000)"
            + " FROM generate_series(" + from + ", " + to + ") g");
      }
      s.execute("VACUUM ANALYZE items");
      s.execute("CHECKPOINT");
      try (ResultSet rs = s.executeQuery("SELECT pg_database_size('bench')")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** CPU time of this JVM so far, all threads. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
