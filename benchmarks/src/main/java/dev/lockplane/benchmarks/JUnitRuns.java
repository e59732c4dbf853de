package dev.lockplane.benchmarks;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.lockplane.benchmarks.workload.DatabaseIsolation10;
import dev.lockplane.benchmarks.workload.DatabaseIsolation170;
import dev.lockplane.benchmarks.workload.SharedDatabase;
import dev.lockplane.benchmarks.workload.Workload;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The testkit as a test suite sees it: 200 tests of a few milliseconds each (insert, update,
 * count), run through the JUnit launcher one after another, with {@code @LockplaneTest} in each
 * isolation mode and, as the baseline, on one shared database and connection. For every test it
 * separates the body's own time from the rest (callbacks, handout, connection, clean-up), and
 * reports that overhead against the baseline's, p50 and p95, with the suite's wall time. The first
 * {@value #WARM_UP} tests of a run (server start, golden build) are left out of the percentiles.
 *
 * <pre>
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.JUnitRuns [10|170] [runs] [modes]
 * </pre>
 *
 * where modes is a comma-separated list of {@code lockplane.isolation} values (default
 * {@code DATABASE,TRANSACTION}).
 */
public final class JUnitRuns {
  private static final int WARM_UP = 5;

  private JUnitRuns() {}

  /**
   * Runs the suites.
   *
   * @param args golden size in MB (10 or 170, default 10), runs of each suite (default 3), modes
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String[] modes = (args.length > 2 ? args[2] : "DATABASE,TRANSACTION").split(",");
    Class<?> suite = mb >= 100 ? DatabaseIsolation170.class : DatabaseIsolation10.class;
    String script = mb >= 100 ? "bench/golden-170mb.sql" : "bench/golden-10mb.sql";
    List<String> rows = new ArrayList<>();
    rows.add("| " + mb + " MB golden, 200 tests, " + runs + " runs | suite | overhead vs shared p50 | p95 | before the body p50 | p95 | after the body p50 | p95 |");
    rows.add("|---|---:|---:|---:|---:|---:|---:|---:|");
    Result base = null;
    try (LocalPostgres pg = LocalPostgres.builder().start();
        CloneManager clones = CloneManagers.databases(pg).golden(TestkitProfile.golden(script)).databasePrefix("base_").start()) {
      Clone shared = clones.create("shared");
      SharedDatabase.connection = shared.dataSource().getConnection();
      try {
        base = Result.merge(run(SharedDatabase.class, Map.of(), runs));
      } finally {
        SharedDatabase.connection.close();
      }
    }
    rows.add(base.row("shared database (baseline)", base));
    for (String mode : modes) {
      Result r = Result.merge(run(suite, Map.of("lockplane.isolation", mode), runs));
      rows.add(r.row("@LockplaneTest isolation = " + mode, base));
    }
    System.out.println();
    rows.forEach(System.out::println);
  }

  static List<Result> run(Class<?> type, Map<String, String> params, int runs) {
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Workload.BODIES.clear();
      Timing timing = new Timing();
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
          .selectors(selectClass(type))
          .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
          .configurationParameters(params)
          .build();
      Launcher launcher = LauncherFactory.create();
      long t0 = System.nanoTime();
      launcher.execute(request, timing);
      long wall = System.nanoTime() - t0;
      if (!timing.failures.isEmpty()) {
        throw new IllegalStateException(type.getSimpleName() + " " + params + ": " + timing.failures.size()
            + " tests failed, the first: " + timing.failures.get(0));
      }
      if (timing.starts.size() != Workload.BODIES.size()) {
        throw new IllegalStateException("ran " + timing.starts.size() + " tests but " + Workload.BODIES.size() + " bodies");
      }
      Result r = new Result(wall, new Stats(), new Stats(), new Stats());
      for (int t = WARM_UP; t < timing.starts.size(); t++) {
        long[] body = Workload.BODIES.get(t);
        long before = body[0] - timing.starts.get(t);
        long after = timing.ends.get(t) - body[1];
        r.before.add(before);
        r.after.add(after);
        r.overhead.add(before + after);
      }
      System.out.printf(Locale.ROOT, "%s %s run %d: %.1f s, overhead %s%n", type.getSimpleName(), params, i + 1,
          wall / 1e9, r.overhead.summary());
      out.add(r);
    }
    return out;
  }

  /** One suite's wall time and its tests' overhead, split into before and after the body. */
  record Result(long wallNanos, Stats overhead, Stats before, Stats after) {
    static Result merge(List<Result> runs) {
      Result m = new Result(runs.stream().mapToLong(Result::wallNanos).sorted().toArray()[runs.size() / 2], new Stats(), new Stats(), new Stats());
      for (Result r : runs) {
        m.overhead.addAll(r.overhead);
        m.before.addAll(r.before);
        m.after.addAll(r.after);
      }
      return m;
    }

    /** Writes the samples, one test a line, for {@link #read}: wall time first. */
    void write(java.nio.file.Path file) throws java.io.IOException {
      List<String> lines = new ArrayList<>();
      lines.add(Long.toString(wallNanos));
      double[] b = before.values();
      double[] a = after.values();
      for (int i = 0; i < b.length; i++) {
        lines.add(b[i] + " " + a[i]);
      }
      java.nio.file.Files.write(file, lines);
    }

    static Result read(java.nio.file.Path file) throws java.io.IOException {
      List<String> lines = java.nio.file.Files.readAllLines(file);
      Result r = new Result(Long.parseLong(lines.get(0).trim()), new Stats(), new Stats(), new Stats());
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split(" ");
        double b = Double.parseDouble(f[0]);
        double a = Double.parseDouble(f[1]);
        r.before.addMillis(b);
        r.after.addMillis(a);
        r.overhead.addMillis(b + a);
      }
      return r;
    }

    String row(String what, Result base) {
      return String.format(Locale.ROOT, "| %s | %.1f s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |", what,
          wallNanos / 1e9, overhead.percentile(50) - base.overhead.percentile(50), overhead.percentile(95) - base.overhead.percentile(95),
          before.percentile(50), before.percentile(95), after.percentile(50), after.percentile(95));
    }
  }

  /** Start and end of every test, in order; the tests run one after another. */
  private static final class Timing implements TestExecutionListener {
    final List<Long> starts = new ArrayList<>();
    final List<Long> ends = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    @Override
    public void executionStarted(TestIdentifier id) {
      if (id.isTest()) {
        starts.add(System.nanoTime());
      }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      if (id.isTest()) {
        ends.add(System.nanoTime());
      }
      if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
        failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::toString).orElse("?"));
      }
    }
  }
}
