package dev.lockplane.benchmarks;

import static dev.lockplane.benchmarks.Stats.list;
import static dev.lockplane.benchmarks.Stats.mb;
import static dev.lockplane.benchmarks.Stats.median;
import static dev.lockplane.benchmarks.Stats.secs;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import dev.lockplane.backup.VerifyDepth;
import dev.lockplane.backup.VerifyReport;
import dev.lockplane.internal.backup.PipelineProfile;
import dev.lockplane.postgres.LocalPostgres;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Measures only the read side of the backup pipeline — verify with the key and restore into a
 * directory — against a plain read of the repository and {@code cp -r} of a restored data
 * directory, alternating, each both right after the last output was removed and 5 s later. {@code --prepare} loads a database, backs it up once and keeps the repository and its
 * keyset under {@code --work}; later runs measure that same repository, so builds of the pipeline
 * can be compared on identical input, one after the other.
 *
 * <pre>
 * java -Dlockplane.backup.profile=true -cp ... dev.lockplane.benchmarks.RestoreVerifyBenchmark \
 *     --work /var/tmp/rv --prepare --size-mb 250
 * java -cp ... dev.lockplane.benchmarks.RestoreVerifyBenchmark --work /var/tmp/rv --runs 3 --label after
 * </pre>
 */
public final class RestoreVerifyBenchmark {
  static final char[] PASSPHRASE = "benchmark".toCharArray();

  private RestoreVerifyBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --work DIR} (required), {@code --prepare}, {@code --keys-64kb} (prepare with a
   *     keyset of one AES-256-GCM-HKDF key with 64 KiB segments instead of the default 4 KiB), {@code --size-mb N} (default 250),
   *     {@code --runs N} (default 3), {@code --label TEXT}, {@code --out DIR} (where restore and
   *     {@code cp -r} write, and the reference tree for {@code cp -r} goes; default {@code --work})
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path work = null;
    boolean prepare = false;
    boolean keys64kb = false;
    int sizeMb = 250;
    int runs = 3;
    String label = "";
    Path outDir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[++i]);
        case "--prepare" -> prepare = true;
        case "--keys-64kb" -> keys64kb = true;
        case "--size-mb" -> sizeMb = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--label" -> label = args[++i];
        case "--out" -> outDir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (work == null) {
      throw new IllegalArgumentException("--work DIR is required");
    }
    Path repoDir = work.resolve("repo");
    Path keyFile = work.resolve("keyset.json");
    if (prepare) {
      BenchFiles.deleteQuietly(work);
      Files.createDirectories(work);
      try (LocalPostgres pg = LocalPostgres.builder().version(15).setting("max_wal_size", "4GB").start()) {
        long dbBytes = BackupBenchmark.load(pg, sizeMb);
        Keyset keys = keys64kb ? keyset64kb() : Keyset.generate();
        keys.writeTo(keyFile, PASSPHRASE);
        Backup b = BackupRepository.at(repoDir).encryptWith(keys).open().backup().physical(pg).run();
        System.out.printf(Locale.ROOT, "database %.0f MB, backup %s: %.0f MB of data, %.0f MB stored%n",
            mb(dbBytes), b.id(), mb(b.size()), mb(b.storedSize()));
      }
      return;
    }
    BackupRepository repo = BackupRepository.at(repoDir).encryptWith(Keyset.fromFile(keyFile, PASSPHRASE)).open();
    Backup b = repo.list().get(0);
    double[] read = new double[runs];
    double[] verify = new double[runs];
    StringBuilder profiles = new StringBuilder();
    Path reference = (outDir == null ? work : outDir).resolve("reference");
    Path out = (outDir == null ? work : outDir).resolve("out");
    // cp -r copies what a restore writes: a restored tree made once, untimed
    BenchFiles.deleteQuietly(reference);
    repo.restore(b.id()).toDirectory(reference);
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      readAll(repoDir);
      read[i] = secs(t);

      PipelineProfile.reset();
      t = System.nanoTime();
      VerifyReport v = repo.verify(b.id(), VerifyDepth.DATA);
      verify[i] = secs(t);
      if (!v.ok()) {
        throw new IllegalStateException("verification failed: " + v.problems());
      }
      if (i == runs - 1) {
        profile(profiles, "verify with key");
      }
    }
    // Restore and cp -r write the same 1 GB-scale tree into the page cache, and what that costs
    // depends on the memory it lands in: on a virtual machine that hands freed memory back to its
    // host, memory freed seconds ago costs a fault per page again, memory freed just now does not.
    // So each is measured in both states, alternating: right after the last output was removed
    // ("warm"), and 5 s after ("cold").
    double[][] restore = new double[2][runs];
    double[][] cp = new double[2][runs];
    for (int i = 0; i < runs; i++) {
      for (int cold = 0; cold < 2; cold++) {
        for (int k = 0; k < 2; k++) {
          boolean restoreTurn = (i + k) % 2 == 0;
          BenchFiles.deleteQuietly(out);
          if (cold == 1) {
            Thread.sleep(5_000);
          }
          PipelineProfile.reset();
          long t = System.nanoTime();
          if (restoreTurn) {
            repo.restore(b.id()).toDirectory(out);
            restore[cold][i] = secs(t);
          } else {
            Process p = new ProcessBuilder("cp", "-r", reference.toString(), out.toString()).inheritIO().start();
            if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
              throw new IllegalStateException("cp -r failed");
            }
            cp[cold][i] = secs(t);
          }
          if (restoreTurn && i == runs - 1 && cold == 0) {
            profile(profiles, "restore (warm)");
          }
        }
      }
    }
    BenchFiles.deleteQuietly(out);
    BenchFiles.deleteQuietly(reference);
    double data = mb(b.size());
    double r = median(read);
    double v = median(verify);
    System.out.printf(Locale.ROOT, "%n%s: %.0f MB of data, %.0f MB stored, load average %s%n", label, data,
        mb(b.storedSize()), Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.println("| operation | median s | runs | MB/s of data | ratio |");
    System.out.println("|---|---:|---|---:|---|");
    System.out.printf(Locale.ROOT, "| plain read of the repository | %.2f | %s | | |%n", r, list(read));
    System.out.printf(Locale.ROOT, "| verify with key | %.2f | %s | %.0f | %.2f× the plain read |%n", v, list(verify),
        data / v, v / r);
    for (int cold = 0; cold < 2; cold++) {
      String state = cold == 0 ? "warm" : "cold";
      double c = median(cp[cold]);
      double rs = median(restore[cold]);
      System.out.printf(Locale.ROOT, "| `cp -r` of a restored data directory, %s | %.2f | %s | %.0f | |%n", state, c,
          list(cp[cold]), data / c);
      System.out.printf(Locale.ROOT, "| restore into a directory, %s | %.2f | %s | %.0f | %.2f× `cp -r` |%n", state, rs,
          list(restore[cold]), data / rs, rs / c);
    }
    if (PipelineProfile.ON) {
      System.out.println();
      System.out.print(profiles);
    }
  }

  /** Reads every file of the repository once, the least a verify must do. */
  private static void readAll(Path root) throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    byte[] buf = new byte[1 << 20];
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        while (in.read(buf) >= 0) {
          // only the reading counts
        }
      }
    }
  }

  private static void profile(StringBuilder out, String what) {
    if (PipelineProfile.ON) {
      out.append("| ").append(what).append(" | seconds (all threads) | share |\n|---|---:|---:|\n")
          .append(PipelineProfile.table()).append('\n');
    }
  }

  /** Returns a keyset of one AES-256-GCM-HKDF-SHA256 key with 64 KiB segments, for comparison. */
  private static Keyset keyset64kb() throws Exception {
    com.google.crypto.tink.streamingaead.StreamingAeadConfig.register();
    com.google.crypto.tink.KeysetHandle h = com.google.crypto.tink.KeysetHandle.newBuilder()
        .addEntry(com.google.crypto.tink.KeysetHandle.generateEntryFromParameters(AeadSegmentBenchmark.parameters(64 * 1024))
            .withRandomId().makePrimary())
        .build();
    return Keyset.parse(com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeKeyset(h,
        com.google.crypto.tink.InsecureSecretKeyAccess.get()), null);
  }
}
