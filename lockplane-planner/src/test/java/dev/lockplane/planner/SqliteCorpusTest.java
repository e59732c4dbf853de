package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.plan.Plan;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite corpus under the same oracle as {@link PlannerCorpusTest}, on database files. */
class SqliteCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/planner-corpus-sqlite");

  @TempDir
  Path dir;

  @TestFactory
  Stream<DynamicTest> corpus() throws Exception {
    Planner planner = Lockplane.planner().allowDataLoss(true).build(); // the cases drop tables that hold the sample rows
    List<Path> cases;
    try (Stream<Path> s = Files.list(CORPUS)) {
      cases = s.filter(Files::isDirectory).sorted().toList();
    }
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> runCase(planner, c)));
  }

  private void runCase(Planner planner, Path c) throws Exception {
    String before = Files.readString(c.resolve("before.sql"));
    String after = Files.readString(c.resolve("after.sql"));
    try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(c.getFileName() + ".db"))) {
      ScriptRunner.run(a, Script.of("before.sql", before));
      try (var s = a.createStatement()) {
        s.execute("INSERT INTO lockplane_probe_absent SELECT 1 WHERE 0");
      } catch (java.sql.SQLException expected) {
        // No such table: proves the statement runner leaves the connection usable after an error.
      }
      DatabaseSchema start = planner.introspect(a);
      DatabaseSchema desired = planner.load(Desired.sql("after.sql", after), Dialect.SQLITE, 0);
      DataSurvival data = DataSurvival.load(c.getFileName().toString(), a, start, desired);
      Plan plan = planner.plan(start, desired);
      data.apply(planner, plan, a);
      data.check(a, plan);
      DatabaseSchema reached = planner.introspect(a);
      assertThat(planner.drift(reached, desired).differences()).as(plan.toText()).isEmpty();
      assertThat(planner.plan(reached, desired).steps()).as("second plan").isEmpty();
      // A rollback cannot bring back rows the plan destroyed: rows that then no longer fit are removed.
      data.apply(planner, plan.reverse(), a);
      assertThat(planner.drift(planner.introspect(a), start).differences()).as(plan.reverse().toText()).isEmpty();
    }
  }
}
