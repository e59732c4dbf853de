package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apply guards on real SQLite files: rows at stake, edited plans, runs left running. */
class SqliteApplySafetyTest {
  Planner planner = Lockplane.planner().build();
  @TempDir Path dir;

  private Connection open() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
  }

  private static long count(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Plan plan(Connection c, Desired desired) {
    DatabaseSchema current = planner.introspect(c);
    return planner.plan(current, planner.load(desired, Dialect.SQLITE, 0));
  }

  @Test
  void anEmptySchemaDirectoryCannotDropATableOf51kRows() throws Exception {
    Path schema = Files.createDirectories(dir.resolve("schema"));
    try (Connection c = open()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT)");
        s.execute("CREATE TABLE scratch (id INTEGER PRIMARY KEY)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO events (note) VALUES (?)")) {
        for (int i = 0; i < 51_000; i++) {
          p.setString(1, "event " + i);
          p.addBatch();
        }
        p.executeBatch();
      }
      c.commit();
      c.setAutoCommit(true);
      assertThatThrownBy(() -> Desired.sqlFiles(schema))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
          .hasMessageContaining(schema.toString());
      Plan dropAll = plan(c, Desired.empty());
      assertThatThrownBy(() -> planner.apply(dropAll, c))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
          .hasMessageContaining("table main.events holds 51,000 rows (exact count)")
          .hasMessageNotContaining("scratch");
      assertThat(count(c, "SELECT count(*) FROM events")).isEqualTo(51_000);

      Files.writeString(schema.resolve("schema.sql"), "CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT);\n");
      Plan dropEmpty = plan(c, Desired.sqlFiles(schema));
      planner.apply(dropEmpty, c);
      assertThat(count(c, "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'")).isZero();

      Plan dropColumn = plan(c, Desired.sql("events.sql", "CREATE TABLE events (id INTEGER PRIMARY KEY);"));
      assertThatThrownBy(() -> planner.apply(dropColumn, c))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
          .hasMessageContaining("main.events").hasMessageContaining("51,000 rows");
      ApplyResult r = Lockplane.planner().allowDataLoss(true).build().apply(dropColumn, c);
      assertThat(r.resultHash()).isEqualTo(dropColumn.targetHash());
      assertThat(count(c, "SELECT count(*) FROM events")).isEqualTo(51_000);
    }
  }

  @Test
  void anEditedPlanIsRefusedAndARunLeftRunningIsMarkedInterrupted() throws Exception {
    try (Connection c = open()) {
      Plan plan = plan(c, Desired.sql("t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);"));
      Plan edited = Planner.planFromJson(Planner.toJson(plan).replace("CREATE TABLE", "CREATE TEMP TABLE"), "p.json");
      assertThatThrownBy(() -> planner.apply(edited, c))
          .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTED));
    }
    // The connection dies mid-apply: the history row cannot be finished and stays 'running'.
    Connection dying = open();
    Plan plan = plan(dying, Desired.sql("t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);"));
    assertThatThrownBy(() -> planner.apply(plan, dying, new ApplyListener() {
      @Override
      public void stepStarted(int index, int total, Step step) {
        try {
          dying.close();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
    })).isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.APPLY_FAILED))
        .hasMessageContaining("Step 1 of 1 (Create table main.t) failed")
        .hasMessageContaining("the next apply marks it interrupted");
    try (Connection c = open()) {
      assertThat(count(c, "SELECT count(*) FROM lockplane_history WHERE outcome = 'running'")).isEqualTo(1);
      ApplyResult r = planner.apply(plan(c, Desired.sql("t.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);")), c);
      assertThat(r.interruptedRuns()).hasSize(1);
      assertThat(r.toText()).contains("now recorded as 'interrupted'");
      assertThat(count(c, "SELECT count(*) FROM lockplane_history WHERE outcome = 'interrupted'")).isEqualTo(1);
    }
  }
}
