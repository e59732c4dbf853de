package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.ScriptRunner;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus' data oracle itself: it must notice lost values, and accept them when a step says so. */
class DataSurvivalTest {
  @TempDir
  Path dir;

  private final Planner planner = Lockplane.planner().build();

  private DataSurvival loaded(Connection a) throws Exception {
    ScriptRunner.run(a, Script.of("before.sql",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER);\n"
            + "CREATE TABLE child (id INTEGER PRIMARY KEY, t_id INTEGER NOT NULL REFERENCES t (id));"));
    DatabaseSchema start = planner.introspect(a);
    DataSurvival data = DataSurvival.load("self-test", a, start, start);
    try (Statement s = a.createStatement(); ResultSet r = s.executeQuery(
        "SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM child), (SELECT group_concat(a) FROM t)")) {
      assertThat(r.next()).isTrue();
      assertThat(List.of(r.getInt(1), r.getInt(2), r.getString(3))).containsExactly(3, 3, "1,2,3");
    }
    return data;
  }

  private static Plan plan(Step... steps) {
    return new Plan(Dialect.SQLITE, "sha256:a", "sha256:b", List.of(steps), List.of(), null);
  }

  @Test
  void keptValuesPass() throws Exception {
    try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kept.db"))) {
      loaded(a).check(a, plan());
    }
  }

  @Test
  void lostValuesFailNamingTheColumn() throws Exception {
    try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("lost.db"))) {
      DataSurvival data = loaded(a);
      try (Statement s = a.createStatement()) {
        s.execute("UPDATE t SET b = NULL");
      }
      assertThatThrownBy(() -> data.check(a, plan(new Step("alter_column", "Alter column b of main.t", List.of(),
          List.of("column main.t.b"), true, false, true, null))))
          .isInstanceOf(AssertionError.class).hasMessageContaining("main.t.b -> main.t.b");
    }
  }

  @Test
  void lostValuesPassWhenADestructiveStepNamesThem() throws Exception {
    try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("declared.db"))) {
      DataSurvival data = loaded(a);
      try (Statement s = a.createStatement()) {
        s.execute("UPDATE t SET b = NULL");
      }
      data.check(a, plan(new Step("drop_column", "Drop column b from main.t", List.of(), List.of("column main.t.b"),
          true, true, false, null)));
    }
  }
}
