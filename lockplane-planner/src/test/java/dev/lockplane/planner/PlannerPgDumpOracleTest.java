package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.internal.os.ProcessRunner;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.plan.Plan;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.Dialect;
import dev.lockplane.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The corpus oracle's second witness: on a PostgreSQL 15 server (the major version of the
 * machine's pg_dump), the migrated database and a database built directly from after.sql must
 * give the same {@code pg_dump --schema-only}. To stay within the test-time budget it runs every
 * sixth case of the corpus ({@code -Dlockplane.corpus.only} picks others); {@link PlannerCorpusTest}
 * runs all of them by introspection.
 */
class PlannerPgDumpOracleTest {
  private static LocalPostgres server;

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> pgDumpOracle() throws Exception {
    try {
      server = LocalPostgres.builder().version(15).start();
    } catch (RuntimeException e) {
      Requirements.require(false, "PostgreSQL 15 binaries are not available: " + e.getMessage());
    }
    Path pgDump = server.installation().tool("pg_dump").orElse(null);
    Requirements.require(pgDump != null, "no pg_dump of major version 15 on this machine (apt-get install postgresql-client-15)");
    Planner planner = Lockplane.planner().scratchServer(server).allowDataLoss(true).build();
    List<Path> cases;
    try (Stream<Path> s = Files.list(PlannerCorpusTest.CORPUS)) {
      List<Path> all = s.filter(Files::isDirectory).filter(d -> PlannerCorpusTest.requiredMajor(d) <= 15).sorted().toList();
      // -Dlockplane.corpus.only=name-part[,name-part...] runs the matching cases instead, as in PlannerCorpusTest.
      String only = System.getProperty("lockplane.corpus.only");
      cases = only != null ? all.stream().filter(c -> java.util.Arrays.stream(only.split(","))
              .anyMatch(part -> c.getFileName().toString().contains(part))).toList()
          : IntStream.range(0, all.size()).filter(i -> i % 6 == 0).mapToObj(all::get).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> results = cases.stream().map(dir -> pool.submit(() -> {
      runCase(server, pgDump, planner, dir);
      return null;
    })).collect(Collectors.toList());
    pool.shutdown();
    return IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(
        cases.get(i).getFileName().toString(), () -> {
          try {
            results.get(i).get();
          } catch (ExecutionException e) {
            throw e.getCause();
          }
        }));
  }

  private static void runCase(LocalPostgres pg, Path pgDump, Planner planner, Path dir) throws Exception {
    String before = Files.readString(dir.resolve("before.sql"));
    String after = Files.readString(dir.resolve("after.sql"));
    String n = dir.getFileName().toString().substring(0, 3);
    String a = "dump_a_" + n;
    String b = "dump_b_" + n;
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + a + " TEMPLATE template0");
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + b + " TEMPLATE template0");
    try {
      try (Connection cb = pg.connect(b)) {
        ScriptRunner.run(cb, Script.of("after.sql", after));
      }
      try (Connection ca = pg.connect(a)) {
        ScriptRunner.run(ca, Script.of("before.sql", before));
        Plan plan = planner.plan(planner.introspect(ca),
            planner.load(Desired.sql("after.sql", after), Dialect.POSTGRESQL, pg.majorVersion()));
        planner.apply(plan, ca);
      }
      assertThat(dump(pg, pgDump, a)).as("pg_dump of the migrated database vs. built from after.sql")
          .isEqualTo(dump(pg, pgDump, b));
    } finally {
      PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + a + " WITH (FORCE)");
      PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + b + " WITH (FORCE)");
    }
  }

  private static String dump(LocalPostgres pg, Path pgDump, String db) throws Exception {
    ProcessRunner.Result r = ProcessRunner.run(List.of(pgDump.toString(), "--schema-only", "--no-owner",
            "--no-privileges", "--exclude-schema=lockplane", "-h", pg.host(), "-p", String.valueOf(pg.port()),
            "-U", pg.user(), "-d", db), null, Map.of("PGPASSWORD", pg.password()), Duration.ofSeconds(60));
    assertThat(r.ok()).as(r.output()).isTrue();
    // Comments and session settings carry nothing about the schema.
    return r.output().lines().filter(l -> !l.startsWith("--") && !l.isBlank() && !l.startsWith("SET ")
        && !l.startsWith("SELECT pg_catalog.set_config") && !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .collect(Collectors.joining("\n"));
  }
}
