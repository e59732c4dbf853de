package dev.lockplane.benchmarks;

import dev.lockplane.backup.Backup;
import dev.lockplane.backup.BackupRepository;
import dev.lockplane.backup.Keyset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Restores one backup several times in one fresh JVM, as the command line would the first time and
 * a long-lived application later: wall time, the process's minor page faults (on a virtual machine
 * that takes freed memory back, each costs microseconds), its user and system CPU time, and the
 * committed heap after each restore.
 * It reads the repository {@link RestoreVerifyBenchmark} {@code --prepare} made, so that two builds
 * can be run one after the other on the same input.
 *
 * <pre>
 * java -cp ... dev.lockplane.benchmarks.RestoreVerifyBenchmark --work /var/tmp/rv --prepare --size-mb 1000
 * java -cp ... dev.lockplane.benchmarks.RestoreRepeatBenchmark --work /var/tmp/rv --restores 3
 * </pre>
 */
public final class RestoreRepeatBenchmark {
  private RestoreRepeatBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --work DIR} (required: where {@code --prepare} left the repository and its
   *     keyset), {@code --restores N} (default 3), {@code --out DIR} (where to restore; default
   *     {@code DIR/repeat-out}: another file system shows the copy without this one's quirks)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path work = null;
    int restores = 3;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[++i]);
        case "--restores" -> restores = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (work == null) {
      throw new IllegalArgumentException("--work DIR is required");
    }
    BackupRepository repo = BackupRepository.at(work.resolve("repo"))
        .encryptWith(Keyset.fromFile(work.resolve("keyset.json"), RestoreVerifyBenchmark.PASSPHRASE)).open();
    Backup b = repo.list().get(0);
    if (out == null) {
      out = work.resolve("repeat-out");
    }
    for (int i = 0; i < restores; i++) {
      BenchFiles.deleteQuietly(out);
      long[] before = stat();
      long t = System.nanoTime();
      repo.restore(b.id()).toDirectory(out);
      double secs = (System.nanoTime() - t) / 1e9;
      long[] after = stat();
      long faults = after[0] - before[0];
      System.out.printf(Locale.ROOT, "restore %d: %.2f s, CPU %.2f s user + %.2f s system, %d minor faults (%.0f MB of pages),"
          + " heap committed %d MB%n", i + 1, secs, (after[1] - before[1]) / TICKS, (after[2] - before[2]) / TICKS, faults,
          faults * 4096 / 1048576.0, Runtime.getRuntime().totalMemory() >> 20);
    }
    BenchFiles.deleteQuietly(out);
  }

  /** Clock ticks per second of {@code /proc/self/stat}'s CPU times (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;

  /**
   * This process's minor page faults and user and system CPU ticks so far ({@code /proc/self/stat},
   * fields 10, 14 and 15).
   */
  static long[] stat() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[7]), Long.parseLong(f[11]), Long.parseLong(f[12])};
  }
}
