package dev.lockplane.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The testkit against its peers, side by side in one command: the same 200 short tests (insert,
 * update, count) on the ~10 MB and the ~170 MB golden, with {@code @LockplaneTest} in database and
 * transaction isolation, zonky embedded-database-spring-test (a fresh database per test method)
 * and pg-embedded (multi-database mode), against one shared database as the baseline. Every suite
 * runs in a JVM of its own ({@link SuiteRun}); when this one is root, the peers' JVMs run as an
 * unprivileged user through {@code setpriv}, because their libraries start PostgreSQL as whoever
 * runs the JVM and PostgreSQL refuses root. Prints one table and writes it as CSV
 * ({@code testkit-FS.csv} in the results directory) for {@link Charts}.
 *
 * <pre>
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.JUnitSideBySide \
 *     --sizes 10,170 --runs 1 --fs ext4 --suites DATABASE,TRANSACTION,zonky,pg-embedded
 * </pre>
 *
 * {@code --fs xfs|btrfs|zfs} (root only) puts every server's data directory on a filesystem made
 * for the run (loop-mounted XFS with reflink or btrfs, a file-backed ZFS pool under zfs-fuse) and
 * removes it afterwards; Lockplane's server there copies databases with
 * {@code file_copy_method = clone}.
 */
public final class JUnitSideBySide {
  private static final List<String> PEERS = List.of("zonky", "pg-embedded");

  private JUnitSideBySide() {}

  /**
   * Runs the suites and prints the table.
   *
   * @param args {@code --sizes MB,...} (10,170), {@code --runs N} (1), {@code --fs NAME} (ext4: the
   *     temporary directory's own), {@code --suites ...}, {@code --work DIR}, {@code --user NAME}
   *     (the unprivileged user for the peers when root: postgres if it exists, else nobody); the
   *     system property {@code lockplane.pool.size} is passed on to Lockplane's suites
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>(Map.of("--sizes", "10,170", "--runs", "1", "--fs", "ext4",
        "--suites", "DATABASE,TRANSACTION,zonky,pg-embedded", "--work", "/var/tmp/lockplane-sbs", "--user", ""));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opt.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + opt.keySet());
      }
      opt.put(args[i], args[i + 1]);
    }
    int[] sizes = Arrays.stream(opt.get("--sizes").split(",")).mapToInt(Integer::parseInt).toArray();
    String runs = opt.get("--runs");
    String fs = opt.get("--fs");
    List<String> suites = List.of(opt.get("--suites").split(","));
    boolean root = BenchStores.run("id", "-u").trim().equals("0");
    String user = opt.get("--user").isEmpty() ? (BenchStores.ok("id", "postgres") ? "postgres" : "nobody") : opt.get("--user");
    List<String> table = new ArrayList<>();
    table.add("| golden | isolation | suite | overhead vs shared p50 | p95 | handout p50 | p95 | zonky ÷ this (p50) | pg-embedded ÷ this (p50) |");
    table.add("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    List<String> csv = new ArrayList<>();
    try (BenchStores stores = new BenchStores(Path.of(opt.get("--work")))) {
      Path base = fs.equals("ext4") ? Path.of(opt.get("--work")) : stores.directory(fs, 2L + 2L * sizes.length);
      Children children = new Children(base, root, user);
      for (int mb : sizes) {
        JUnitRuns.Result shared = children.run("shared", mb, runs);
        Map<String, JUnitRuns.Result> results = new LinkedHashMap<>();
        for (String suite : suites) {
          results.put(suite, children.run(suite, mb, runs));
        }
        table.add(row(mb, "shared database (baseline)", shared, shared, Map.of()));
        csv.add(csv(fs, mb, "shared", shared, shared));
        for (Map.Entry<String, JUnitRuns.Result> e : results.entrySet()) {
          table.add(row(mb, label(e.getKey()), e.getValue(), shared, results));
          csv.add(csv(fs, mb, e.getKey(), e.getValue(), shared));
        }
      }
    }
    System.out.println();
    table.forEach(System.out::println);
    // rows of golden sizes this run did not measure stay, so sizes can be run one command at a time
    Path old = BenchResults.dir().resolve("testkit-" + fs + ".csv");
    if (Files.exists(old)) {
      List<String> kept = new ArrayList<>();
      for (Map<String, String> r : BenchResults.read(old)) {
        if (Arrays.stream(sizes).noneMatch(mb -> Integer.toString(mb).equals(r.get("golden_mb")))) {
          kept.add(String.join(",", r.values()));
        }
      }
      kept.addAll(csv);
      csv = kept;
    }
    BenchResults.write("testkit-" + fs + ".csv",
        "fs,golden_mb,suite,suite_s,overhead_p50_ms,overhead_p95_ms,handout_p50_ms,handout_p95_ms", csv);
  }

  private static String label(String suite) {
    return switch (suite) {
      case "zonky" -> "zonky embedded-database-spring-test 2.8.0 (refresh per test method)";
      case "pg-embedded" -> "pg-embedded 5.4.1 multi-database";
      case "RECYCLE" -> "`@LockplaneTest` isolation = DATABASE, lockplane.recycle = true";
      case "DISK" -> "`@LockplaneTest` isolation = DATABASE, lockplane.clonesInMemory = false";
      default -> "`@LockplaneTest` isolation = " + suite;
    };
  }

  private static String row(int mb, String what, JUnitRuns.Result r, JUnitRuns.Result shared, Map<String, JUnitRuns.Result> all) {
    double p50 = r.overhead().percentile(50) - shared.overhead().percentile(50);
    double p95 = r.overhead().percentile(95) - shared.overhead().percentile(95);
    StringBuilder ratios = new StringBuilder();
    for (String peer : PEERS) {
      JUnitRuns.Result other = all.get(peer);
      String ratio = "—";
      if (other != null && other != r && p50 > 0) {
        ratio = String.format(Locale.ROOT, "%.1f×", (other.overhead().percentile(50) - shared.overhead().percentile(50)) / p50);
      }
      ratios.append(" | ").append(ratio);
    }
    return String.format(Locale.ROOT, "| %d MB | %s | %.1f s | %s | %s | %.2f ms | %.2f ms%s |", mb, what, r.wallNanos() / 1e9,
        shared == r ? "—" : String.format(Locale.ROOT, "%.2f ms", p50), shared == r ? "—" : String.format(Locale.ROOT, "%.2f ms", p95),
        r.before().percentile(50), r.before().percentile(95), ratios);
  }

  private static String csv(String fs, int mb, String suite, JUnitRuns.Result r, JUnitRuns.Result shared) {
    return String.format(Locale.ROOT, "%s,%d,%s,%.2f,%.3f,%.3f,%.3f,%.3f", fs, mb, suite, r.wallNanos() / 1e9,
        r.overhead().percentile(50) - shared.overhead().percentile(50), r.overhead().percentile(95) - shared.overhead().percentile(95),
        r.before().percentile(50), r.before().percentile(95));
  }

  /** Starts each suite's JVM, the peers' as the unprivileged user when this one is root. */
  private record Children(Path base, boolean root, String user) {
    JUnitRuns.Result run(String suite, int mb, String runs) throws IOException, InterruptedException {
      boolean peer = PEERS.contains(suite);
      boolean drop = peer && root;
      // short: PostgreSQL's socket path under it must stay within the 107 bytes a Unix socket allows
      Path tmp = base.resolve(suite.substring(0, Math.min(4, suite.length())).toLowerCase(Locale.ROOT));
      Files.createDirectories(tmp);
      Path out = tmp.resolve("result-" + mb + ".txt");
      Files.deleteIfExists(out);
      List<String> cmd = new ArrayList<>();
      if (drop) {
        BenchStores.run("chown", "-R", user + ":", tmp.toString());
        BenchStores.run("chmod", "755", base.toString());
        String uid = BenchStores.run("id", "-u", user).trim();
        String gid = BenchStores.run("id", "-g", user).trim();
        cmd.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
      }
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      if (System.getProperty("lockplane.pool.size") != null && !peer) {
        // the pool size of Lockplane's suites, passed on (-Dlockplane.pool.size=N)
        cmd.add("-Dlockplane.pool.size=" + System.getProperty("lockplane.pool.size"));
      }
      cmd.addAll(List.of("-Xmx2g", "-Djava.awt.headless=true", "-Djava.io.tmpdir=" + tmp, "-Duser.home=" + tmp,
          "-cp", System.getProperty("java.class.path"), SuiteRun.class.getName(), suite, Integer.toString(mb), runs, out.toString()));
      System.out.printf(Locale.ROOT, "%s, %d MB%s%n", suite, mb, drop ? " (as " + user + ")" : "");
      ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
      pb.environment().put("HOME", tmp.toString());
      Process p = pb.start();
      if (p.waitFor() != 0 || !Files.exists(out)) {
        throw new IllegalStateException(suite + " on the " + mb + " MB golden failed (exit " + p.exitValue() + "): see its output above");
      }
      return JUnitRuns.Result.read(out);
    }
  }
}
