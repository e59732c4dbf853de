package dev.lockplane.benchmarks;

import dev.lockplane.benchmarks.workload.Workload;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.postgres.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Where the time of a testkit handout goes, phase by phase, in the steady state of short tests:
 * the server-side phases of a clone (checkpoint, {@code CREATE DATABASE … TEMPLATE} by strategy,
 * {@code DROP DATABASE}, connection set-up and first query), the prefetching pool's handout wait
 * when tests are faster than the pool refills, and the JUnit callback cost per test of each
 * isolation mode against a shared database (see {@link JUnitRuns}).
 *
 * <pre>
 * mvn -B -ntp -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/lockplane-benchmarks.jar dev.lockplane.benchmarks.TestkitProfile [iterations]
 * </pre>
 */
public final class TestkitProfile {
  private TestkitProfile() {}

  /**
   * Runs the profile.
   *
   * @param args iterations of each server-side phase (default 20)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    try (LocalPostgres pg = LocalPostgres.builder().start();
        CloneManager clones = CloneManagers.databases(pg).golden(golden("bench/golden-10mb.sql"))
            .databasePrefix("prof_").start()) {
      String golden = clones.golden().name();
      System.out.printf(Locale.ROOT, "PostgreSQL %s, golden %s (%s), %s%n", version(pg), golden, size(pg, golden),
          clones.strategy().method());
      phases(pg, golden, n);
      pool(clones, 100);
    }
    JUnitRuns.main(new String[] {"10"});
  }

  /**
   * Reads a benchmark golden's script from the class path.
   *
   * @param resource the resource
   * @return the golden
   * @throws IOException if it cannot be read
   */
  static Golden golden(String resource) throws IOException {
    try (InputStream in = TestkitProfile.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no resource " + resource);
      }
      return Golden.fromScripts(List.of(Script.of(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8))));
    }
  }

  private static void phases(LocalPostgres pg, String golden, int n) throws SQLException {
    Stats checkpointDirty = new Stats();
    Stats checkpointIdle = new Stats();
    Stats fileCopy = new Stats();
    Stats fileCopyAfterCheckpoint = new Stats();
    Stats walLog = new Stats();
    Stats comment = new Stats();
    Stats dropFileCopy = new Stats();
    Stats dropWalLog = new Stats();
    Stats connect = new Stats();
    Stats firstQuery = new Stats();
    Stats secondQuery = new Stats();
    long checkpointsBefore;
    long checkpointsFileCopy;
    try (Connection admin = pg.connect("postgres"); Statement s = admin.createStatement()) {
      checkpointsBefore = checkpoints(s);
      for (int i = 0; i < n; i++) {
        fileCopy.add(time(s, "CREATE DATABASE prof_fc_" + i + " TEMPLATE " + golden + " STRATEGY FILE_COPY"));
      }
      checkpointsFileCopy = checkpoints(s) - checkpointsBefore;
      for (int i = 0; i < n; i++) {
        comment.add(time(s, "COMMENT ON DATABASE prof_fc_" + i + " IS '{\"kind\":\"clone\"}'"));
        try (Connection c = pg.connect("prof_fc_" + i); Statement cs = c.createStatement()) {
          cs.execute("UPDATE accounts SET balance = balance + 1 WHERE id <= 10"); // what a short test dirties
        }
        checkpointDirty.add(time(s, "CHECKPOINT"));
        checkpointIdle.add(time(s, "CHECKPOINT"));
        fileCopyAfterCheckpoint.add(time(s, "CREATE DATABASE prof_fca_" + i + " TEMPLATE " + golden + " STRATEGY FILE_COPY"));
      }
      for (int i = 0; i < n; i++) {
        walLog.add(time(s, "CREATE DATABASE prof_wl_" + i + " TEMPLATE " + golden + " STRATEGY WAL_LOG"));
      }
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        try (Connection c = pg.dataSource("prof_wl_" + i).getConnection()) {
          connect.add(System.nanoTime() - t0);
          try (Statement cs = c.createStatement()) {
            firstQuery.add(time(cs, "SELECT count(*) FROM accounts WHERE id <= 10"));
            secondQuery.add(time(cs, "SELECT count(*) FROM accounts WHERE id <= 20"));
          }
        }
      }
      for (int i = 0; i < n; i++) {
        dropFileCopy.add(time(s, "DROP DATABASE prof_fc_" + i + " WITH (FORCE)"));
        s.execute("DROP DATABASE prof_fca_" + i + " WITH (FORCE)");
        dropWalLog.add(time(s, "DROP DATABASE prof_wl_" + i + " WITH (FORCE)"));
      }
    }
    System.out.println();
    System.out.println("| phase (server side, n=" + n + ") | p50 | p95 |");
    System.out.println("|---|---:|---:|");
    line("CREATE DATABASE … STRATEGY FILE_COPY (" + String.format(Locale.ROOT, "%.1f", checkpointsFileCopy / (double) n)
        + " checkpoints each)", fileCopy);
    line("  the same right after a CHECKPOINT", fileCopyAfterCheckpoint);
    line("CREATE DATABASE … STRATEGY WAL_LOG", walLog);
    line("CHECKPOINT after a short test's writes", checkpointDirty);
    line("CHECKPOINT with nothing to flush", checkpointIdle);
    line("COMMENT ON DATABASE (owner record)", comment);
    line("DROP DATABASE … WITH (FORCE), FILE_COPY clone", dropFileCopy);
    line("DROP DATABASE … WITH (FORCE), WAL_LOG clone", dropWalLog);
    line("connection set-up (new backend)", connect);
    line("first query on a new connection", firstQuery);
    line("second query", secondQuery);
  }

  /** Short tests taking clones from a prefetching pool of 2: how long they wait when tests outrun the refill. */
  private static void pool(CloneManager clones, int tests) throws Exception {
    Stats handout = new Stats();
    Stats connect = new Stats();
    Stats work = new Stats();
    Stats destroy = new Stats();
    Stats make = new Stats();
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      Clone c = clones.create();
      make.add(System.nanoTime() - t0);
      c.destroy();
    }
    long start;
    try (CloneManager pool = CloneManagers.prefetching(clones, 2)) {
      Thread.sleep(3000); // the spares are made while JUnit discovers the tests
      start = System.nanoTime();
      for (int i = 0; i < tests; i++) {
        long t0 = System.nanoTime();
        Clone c = pool.create();
        long t1 = System.nanoTime();
        handout.add(t1 - t0);
        try (Connection conn = c.dataSource().getConnection()) {
          long t2 = System.nanoTime();
          connect.add(t2 - t1);
          Workload.run(conn);
          work.add(System.nanoTime() - t2);
        }
        long t3 = System.nanoTime();
        c.destroy();
        destroy.add(System.nanoTime() - t3);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Workload.BODIES.clear();
    System.out.println();
    System.out.printf(Locale.ROOT, "| pool of 2, %d short tests in a row: %.1f tests/s; one clone takes %.1f ms to make"
        + " (%.1f clones/s from one producer) | p50 | p95 |%n", tests, tests / seconds, make.percentile(50),
        1000 / make.percentile(50));
    System.out.println("|---|---:|---:|");
    line("handout (pool.create())", handout);
    line("connection set-up", connect);
    line("the test's work", work);
    line("destroy (queued to the background)", destroy);
  }

  static void line(String what, Stats s) {
    System.out.printf(Locale.ROOT, "| %s | %.2f ms | %.2f ms |%n", what, s.percentile(50), s.percentile(95));
  }

  private static long time(Statement s, String sql) throws SQLException {
    long t0 = System.nanoTime();
    s.execute(sql);
    return System.nanoTime() - t0;
  }

  private static long checkpoints(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT num_requested FROM pg_stat_checkpointer")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String version(LocalPostgres pg) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static String size(LocalPostgres pg, String db) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_size_pretty(pg_database_size('" + db + "'))")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
