package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.plan.Plan;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The planner corpus, one case per directory of {@code planner-corpus}: build A from before.sql,
 * plan A to after.sql, apply, require A to equal a database built from after.sql (introspection),
 * plan again and require an empty plan, apply the reverse plan and require A to equal before. Rows
 * loaded into A before the plan must survive it ({@link DataSurvival}).
 */
class PlannerCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/planner-corpus");

  private static LocalPostgres ownServer;

  @org.junit.jupiter.api.AfterAll
  static void stopOwnServer() {
    if (ownServer != null) {
      ownServer.close();
    }
  }

  /**
   * Runs on the shared server, or with {@code -Dlockplane.corpus.postgres=13} (any major) on a
   * server of that version, to check the planner against other PostgreSQL versions by hand.
   */
  @TestFactory
  Stream<DynamicTest> corpus() throws Exception {
    String version = System.getProperty("lockplane.corpus.postgres");
    LocalPostgres pg = version == null ? SharedPostgres.get()
        : (ownServer = LocalPostgres.builder().version(Integer.parseInt(version)).start());
    // -Dlockplane.corpus.safety=strict|moderate|permissive plans against the live database with the risk
    // report (strict: safe forms; a refused case only checks that the refusal is an UNSAFE_CHANGE).
    String safety = System.getProperty("lockplane.corpus.safety");
    // The oracle is about structure; cases drop tables and columns that hold their sample rows.
    Planner.Builder builder = Lockplane.planner().scratchServer(pg).allowDataLoss(true);
    if (safety != null) {
      builder.safety(dev.lockplane.safety.SafetyLevel.valueOf(safety.toUpperCase(java.util.Locale.ROOT)));
    }
    Planner planner = builder.build();
    List<Path> all;
    try (Stream<Path> s = Files.list(CORPUS)) {
      all = s.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(all).hasSizeGreaterThanOrEqualTo(150);
    // -Dlockplane.corpus.only=name-part[,name-part...] runs the matching cases alone, for debugging.
    String only = System.getProperty("lockplane.corpus.only");
    int major = pg.majorVersion();
    List<Path> cases = (only == null ? all : all.stream().filter(c -> java.util.Arrays.stream(only.split(","))
        .anyMatch(part -> c.getFileName().toString().contains(part))).toList())
        .stream().filter(c -> requiredMajor(c) <= major).toList();
    // Cases are independent databases on the one server: run three at a time, report in order.
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> results = cases.stream().map(dir -> pool.submit(() -> {
      runCase(pg, planner, dir, safety != null);
      return null;
    })).collect(java.util.stream.Collectors.toList());
    pool.shutdown();
    return java.util.stream.IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(
        cases.get(i).getFileName().toString(), () -> {
          try {
            results.get(i).get();
          } catch (ExecutionException e) {
            throw e.getCause();
          }
        }));
  }

  static void runCase(LocalPostgres pg, Planner planner, Path dir) throws Exception {
    runCase(pg, planner, dir, false);
  }

  static void runCase(LocalPostgres pg, Planner planner, Path dir, boolean live) throws Exception {
    String before = Files.readString(dir.resolve("before.sql"));
    String after = Files.readString(dir.resolve("after.sql"));
    String db = "corpus_" + dir.getFileName().toString().substring(0, 3);
    exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
    try (Connection a = pg.connect(db)) {
      ScriptRunner.run(a, Script.of("before.sql", before));
      DatabaseSchema start = planner.introspect(a);
      DatabaseSchema desired = planner.load(Desired.sql(dir.resolve("after.sql").toString(), after),
          Dialect.POSTGRESQL, pg.majorVersion());
      DataSurvival data = DataSurvival.load(dir.getFileName().toString(), a, start, desired);
      Plan plan;
      if (live) {
        try {
          plan = planner.plan(a, start, desired);
        } catch (dev.lockplane.LockplaneException e) {
          assertThat(e.code()).as(e.getMessage()).isEqualTo(dev.lockplane.ErrorCode.UNSAFE_CHANGE);
          System.out.println("corpus " + dir.getFileName() + ": refused");
          return;
        }
        assertThat(plan.steps()).allSatisfy(st -> assertThat(st.risk()).isNotNull());
        System.out.println("corpus " + dir.getFileName() + ": " + plan.steps().stream()
            .filter(st -> !st.risk().rewrittenFrom().isEmpty()).count() + " safe form(s)");
      } else {
        plan = planner.plan(start, desired);
      }
      data.apply(planner, plan, a);
      data.check(a, plan);
      DatabaseSchema reached = planner.introspect(a);
      assertThat(planner.drift(reached, desired).toText()).as("drift after apply\n" + plan.toText())
          .isEqualTo(planner.drift(desired, desired).toText().replace(Planner.hash(desired), Planner.hash(reached)));
      assertThat(Planner.hash(reached)).isEqualTo(plan.targetHash());
      Plan again = planner.plan(reached, desired);
      assertThat(again.steps()).as("second plan\n" + again.toText()).isEmpty();
      // A rollback cannot bring back rows the plan destroyed: rows that then no longer fit are removed.
      data.apply(planner, plan.reverse(), a);
      DatabaseSchema back = planner.introspect(a);
      assertThat(planner.drift(back, start).differences()).as("after rollback\n" + plan.reverse().toText()).isEmpty();
    } finally {
      exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  /**
   * The PostgreSQL major version a case needs: its after.sql may start with {@code -- requires
   * PostgreSQL N} (features of a newer server, such as virtual generated columns); 13 otherwise.
   */
  static int requiredMajor(Path dir) {
    try {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^-- requires PostgreSQL (\\d+)")
          .matcher(Files.readString(dir.resolve("after.sql")));
      return m.find() ? Integer.parseInt(m.group(1)) : 13;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void exec(LocalPostgres pg, String sql) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
