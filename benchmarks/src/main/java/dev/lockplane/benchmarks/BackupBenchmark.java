package dev.lockplane.benchmarks;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import dev.lockplane.backup.RestoredServer;
import dev.lockplane.backup.VerifyDepth;
import dev.lockplane.backup.VerifyReport;
import dev.lockplane.postgres.LocalPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Side-by-side backup measurements on one PostgreSQL 15 server (the machine's pg_basebackup and
 * pg_dump are 15): Lockplane physical backups (zstd + AEAD, zstd alone) against pg_basebackup (plain,
 * tar+gzip) and pg_dump -Fc; restore into a started server; verify throughput.
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
 *     dev.lockplane.benchmarks.BackupBenchmark --size-mb 1000
 * </pre>
 */
public final class BackupBenchmark {
  private BackupBenchmark() {}

  record Row(String what, double seconds, long bytes, String note) {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --size-mb N} (default 1000), {@code --work DIR} (default a temp directory)
   */
  public static void main(String[] args) throws Exception {
    int sizeMb = 1000;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size-mb" -> sizeMb = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("lockplane-bench-");
    }
    Files.createDirectories(work);
    List<Row> rows = new ArrayList<>();
    try (LocalPostgres pg = LocalPostgres.builder().version(15).setting("max_wal_size", "4GB").start()) {
      long t = System.nanoTime();
      long dbBytes = load(pg, sizeMb);
      System.err.printf(Locale.ROOT, "loaded %d MB in %.1f s%n", dbBytes >> 20, secs(t));
      long clusterBytes = BenchFiles.size(pg.dataDirectory());
      rows.add(new Row("database size (pg_database_size) / cluster size", 0, dbBytes, "cluster " + mb(clusterBytes) + " MB"));

      Keyset keys = Keyset.generate();
      BackupRepository enc = BackupRepository.at(work.resolve("repo-enc")).encryptWith(keys).open();
      BackupRepository plain = BackupRepository.at(work.resolve("repo-plain")).unencrypted().open();

      // warm the page cache once so the first measured run is not penalized
      // and warm up the JIT on both paths, so neither pays for compilation
      Backup warm = plain.backup().physical(pg).run();
      enc.backup().physical(pg).run();
      BenchFiles.delete(work.resolve("repo-plain"));
      BenchFiles.delete(work.resolve("repo-enc"));
      plain = BackupRepository.at(work.resolve("repo-plain")).unencrypted().open();
      enc = BackupRepository.at(work.resolve("repo-enc")).encryptWith(keys).open();

      // three pairs, alternating which goes first; medians, because the machine is shared
      double[] zs = new double[3];
      double[] es = new double[3];
      double[] zc = new double[3];
      double[] ec = new double[3];
      Backup z = null;
      Backup e = null;
      for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 2; k++) {
          boolean encrypted = (i + k) % 2 == 1;
          long cpu = cpuNanos();
          t = System.nanoTime();
          Backup b = (encrypted ? enc : plain).backup().physical(pg).run();
          double sec = secs(t);
          double cpuSec = (cpuNanos() - cpu) / 1e9;
          if (encrypted) {
            es[i] = sec;
            ec[i] = cpuSec;
            e = b;
          } else {
            zs[i] = sec;
            zc[i] = cpuSec;
            z = b;
          }
        }
      }
      double zSecs = median(zs);
      double eSecs = median(es);
      rows.add(new Row("Lockplane physical, zstd-3 (median of 3)", zSecs, z.storedSize(),
          String.format(Locale.ROOT, "no encryption; runs %.1f / %.1f / %.1f s; JVM CPU %.1f s", zs[0], zs[1], zs[2],
              median(zc))));
      rows.add(new Row("Lockplane physical, zstd-3 + AES-256-GCM-HKDF (median of 3)", eSecs, e.storedSize(),
          String.format(Locale.ROOT, "runs %.1f / %.1f / %.1f s; JVM CPU %.1f s; encryption cost %+.1f%% wall, %+.1f%% CPU",
              es[0], es[1], es[2], median(ec), (eSecs / zSecs - 1) * 100, (median(ec) / median(zc) - 1) * 100)));
      Backup z2 = z;

      rows.add(tool(pg, work, "pg_basebackup plain (-Fp -X stream)", List.of("pg_basebackup", "-Fp", "-X", "stream", "-c", "fast",
          "-D", work.resolve("bb-plain").toString())));
      rows.add(tool(pg, work, "pg_basebackup tar+gzip (-Ft -z -X fetch)", List.of("pg_basebackup", "-Ft", "-z", "-X", "fetch",
          "-c", "fast", "-D", work.resolve("bb-tgz").toString())));
      rows.add(tool(pg, work, "pg_dump -Fc (one database)", List.of("pg_dump", "-Fc", "-d", "bench", "-f",
          work.resolve("dump.pgdump").toString())));

      t = System.nanoTime();
      VerifyReport vk = enc.verify(e.id(), VerifyDepth.DATA);
      double vkSecs = secs(t);
      rows.add(new Row("verify data, with key (stored + plaintext SHA-256)", vkSecs, vk.bytesChecked(),
          String.format(Locale.ROOT, "%.0f MB/s of stored bytes, %.0f MB/s of plaintext", mb(vk.bytesChecked()) / vkSecs, mb(e.size()) / vkSecs)));
      BackupRepository keyless = BackupRepository.at(work.resolve("repo-enc")).unencrypted().open();
      t = System.nanoTime();
      VerifyReport vn = keyless.verify(e.id(), VerifyDepth.DATA);
      double vnSecs = secs(t);
      rows.add(new Row("verify data, without key (stored SHA-256)", vnSecs, vn.bytesChecked(),
          String.format(Locale.ROOT, "%.0f MB/s", mb(vn.bytesChecked()) / vnSecs)));

      t = System.nanoTime();
      try (RestoredServer r = enc.restore(e.id()).asServer(); Connection c = r.server().connect("bench");
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
        rs.next();
        double rSecs = secs(t);
        rows.add(new Row("restore (decrypt, decompress) + start server + first query", rSecs, e.size(),
            rs.getLong(1) + " rows in items"));
      }
      if (!vk.ok() || !vn.ok() || warm.size() == 0 || z2.size() == 0) {
        throw new IllegalStateException("verification failed: " + vk.problems() + vn.problems());
      }
    } finally {
      BenchFiles.deleteQuietly(work);
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "| %-55s | %9s | %11s | %s |%n", "operation", "seconds", "MB", "note");
    System.out.println("|---|---:|---:|---|");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %-55s | %9s | %11.1f | %s |%n", r.what(), r.seconds() == 0 ? "" : String.format(Locale.ROOT, "%.1f", r.seconds()),
          mb(r.bytes()), r.note());
    }
  }

  private static Row tool(LocalPostgres pg, Path work, String what, List<String> command) throws Exception {
    Path bin = pg.installation().tool(command.get(0)).orElseThrow(() -> new IllegalStateException("no " + command.get(0) + " 15"));
    List<String> cmd = new ArrayList<>(command);
    cmd.set(0, bin.toString());
    cmd.addAll(List.of("-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", pg.user(), "--no-password"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("tool.log").toFile());
    pb.environment().put("PGPASSWORD", pg.password());
    long t = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed: " + Files.readString(work.resolve("tool.log")));
    }
    double s = secs(t);
    Path out = Path.of(command.get(command.size() - 1));
    long size = Files.isDirectory(out) ? BenchFiles.size(out) : Files.size(out);
    BenchFiles.deleteQuietly(out);
    return new Row(what, s, size, "");
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
      try (ResultSet rs = s.executeQuery("SELECT pg_database_size('bench')")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** CPU time of this JVM: compression, encryption and hashing, unlike wall time, hardly depend on other load. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double mb(long bytes) {
    return bytes / 1048576.0;
  }

}
