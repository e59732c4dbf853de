package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.ApplyListener;
import dev.lockplane.plan.ApplyResult;
import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepLock;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.Dialect;
import dev.lockplane.testing.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What apply refuses and reports on PostgreSQL: empty desired states, plans that destroy rows,
 * edited plan files, results that are not the plan's target.
 */
class ApplySafetyTest {
  LocalPostgres pg = SharedPostgres.get();
  Planner planner = Lockplane.planner().scratchServer(pg).build();
  String db;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "apply_safety_" + Long.toHexString(System.nanoTime());
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
  }

  @AfterEach
  void dropDatabase() throws Exception {
    PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  }

  private void sql(String statements) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }

  private long count(String query) throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aDesiredDirectoryWithoutSqlFilesOrScriptsDefiningNothingIsAnError(@TempDir Path dir) throws Exception {
    sql("CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2), (3)");
    Files.writeString(dir.resolve("README.md"), "the schema lives elsewhere\n");
    assertThatThrownBy(() -> Desired.sqlFiles(dir))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining(dir.toString()).hasMessageContaining("holds no .sql file")
        .hasMessageContaining("Desired.empty()");
    Files.writeString(dir.resolve("schema.sql"), "-- to be written\n");
    assertThatThrownBy(() -> planner.plan(pg.dataSource(db), Desired.sqlFiles(dir)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("schema.sql").hasMessageContaining("defines no table");
    // Asked for explicitly, the empty state plans "drop everything" (and apply still guards the rows).
    Plan dropAll = planner.plan(pg.dataSource(db), Desired.empty());
    assertThat(dropAll.steps()).extracting(Step::operation).containsExactly("drop_table");
  }

  @Test
  void droppingATableWithRowsNeedsAnAllowanceAndEmptyTablesMayGo() throws Exception {
    sql("CREATE TABLE keep (id int); CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2), (3);"
        + "CREATE TABLE empty_one (id int)");
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("keep.sql", "CREATE TABLE keep (id int);"));
    assertThat(plan.steps()).extracting(Step::description)
        .containsExactlyInAnyOrder("Drop table public.t", "Drop table public.empty_one");
    assertThatThrownBy(() -> planner.apply(plan, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
        .hasMessageContaining("(Drop table public.t): table public.t holds 3 rows (exact count)")
        .hasMessageNotContaining("empty_one")
        .hasMessageContaining("allowDataLoss(true)");
    assertThat(count("SELECT count(*) FROM t")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'empty_one'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM lockplane.history")).as("a refusal runs nothing").isZero();

    ApplyResult r = Lockplane.planner().scratchServer(pg).allowDataLoss(true).build().apply(plan, pg.dataSource(db));
    assertThat(r.resultHash()).isEqualTo(plan.targetHash());
    assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename IN ('t', 'empty_one')")).isZero();

    sql("CREATE TABLE empty_two (id int)");
    Plan dropEmpty = planner.plan(pg.dataSource(db), Desired.sql("keep.sql", "CREATE TABLE keep (id int);"));
    planner.apply(dropEmpty, pg.dataSource(db));
    assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'empty_two'")).isZero();
  }

  @Test
  void droppingAColumnOfATableWithRowsIsRefused() throws Exception {
    sql("CREATE TABLE t (id int, note text); INSERT INTO t VALUES (1, 'a'), (2, NULL)");
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("t.sql", "CREATE TABLE t (id int);"));
    assertThatThrownBy(() -> planner.apply(plan, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
        .hasMessageContaining("column public.t.note (table public.t) holds 2 rows (exact count)");
    assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'note'"))
        .isEqualTo(1);
  }

  @Test
  void planJsonKeepsTheRiskSpellingAndATamperedPlanFileIsRefused() throws Exception {
    sql("CREATE TABLE t (id int); INSERT INTO t VALUES (1)");
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("t.sql", "CREATE TABLE t (id int, b int);"));
    assertThat(plan.steps().get(0).risk().locks()).containsExactly(new StepLock(LockMode.ACCESS_EXCLUSIVE, "public.t"));
    String json = Planner.toJson(plan);
    assertThat(json).contains("\"lock\" : \"ACCESS EXCLUSIVE\"").contains("\"ACCESS EXCLUSIVE on public.t\"")
        .contains("\"risk\" : \"SAFE\"").contains("\"effect\" : \"NONE\"").contains("\"digest\" : \"sha256:");
    assertThat(Planner.planFromJson(json, "plan.json")).isEqualTo(plan);

    Plan editedSql = Planner.planFromJson(json.replace("ADD COLUMN b integer", "ADD COLUMN b text"), "plan.json");
    assertThat(editedSql.steps().get(0).sql().get(0)).contains("b text");
    assertThatThrownBy(() -> planner.apply(editedSql, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTED))
        .hasMessageContaining("The plan was modified since it was created");

    ObjectMapper m = new ObjectMapper();
    ObjectNode doc = (ObjectNode) m.readTree(json);
    ArrayNode steps = (ArrayNode) doc.at("/plan/steps");
    ObjectNode extra = steps.get(0).deepCopy();
    extra.putArray("sql").add("DROP TABLE t");
    steps.add(extra);
    Plan extraStep = Planner.planFromJson(m.writeValueAsString(doc), "plan.json");
    assertThat(extraStep.steps()).hasSize(2);
    assertThatThrownBy(() -> planner.apply(extraStep, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTED))
        .hasMessageContaining("modified since it was created");
    assertThatThrownBy(() -> planner.rollback(extraStep, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTED));
    // The reverse of an edited plan (what a command line's rollback applies) is refused too.
    assertThatThrownBy(() -> planner.apply(extraStep.reverse(), pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTED));

    ((ObjectNode) doc.get("plan")).remove("digest");
    steps.remove(1);
    Plan old = Planner.planFromJson(m.writeValueAsString(doc), "old-plan.json");
    assertThat(old.digest()).isNull();
    assertThatThrownBy(() -> planner.apply(old, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining("has no digest").hasMessageContaining("Make a new plan");
    assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM t")).isEqualTo(1);

    planner.apply(Planner.planFromJson(json, "plan.json"), pg.dataSource(db));
    assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'")).isEqualTo(2);
  }

  @Test
  void aResultThatIsNotThePlansTargetIsAnErrorRecordedInHistory() throws Exception {
    Plan plan = planner.plan(pg.dataSource(db), Desired.sql("t.sql", "CREATE TABLE t (id int); CREATE TABLE u (id int);"));
    List<String> seen = new ArrayList<>();
    ApplyListener intruder = new ApplyListener() {
      @Override
      public void stepStarted(int index, int total, Step step) {
        if (index == 0) {
          // Another session changes the schema while the plan runs.
          try {
            sql("CREATE TABLE intruder (id int)");
            seen.add("intruder created");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
    };
    assertThatThrownBy(() -> planner.apply(plan, pg.dataSource(db), intruder))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.APPLY_FAILED))
        .hasMessageContaining("is not the plan's target").hasMessageContaining(plan.targetHash());
    assertThat(seen).containsExactly("intruder created");
    try (Connection c = pg.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT outcome, result_hash, error FROM lockplane.history")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("failed");
      assertThat(rs.getString(2)).isNotEqualTo(plan.targetHash()).startsWith("sha256:");
      assertThat(rs.getString(3)).contains("is not the plan's target");
    }
  }

  @Test
  void aCommitFailingOnADeferredConstraintSaysTheTransactionWasRolledBack() throws Exception {
    String hash = Planner.hash(planner.introspect(pg.dataSource(db)));
    Plan plan = new Plan(Dialect.POSTGRESQL, hash, hash, List.of(
        new Step("custom", "Create table d", List.of("CREATE TABLE d (id int, CONSTRAINT d_u UNIQUE (id) "
            + "DEFERRABLE INITIALLY DEFERRED)"), List.of(), true, false, true, null),
        new Step("custom", "Insert a duplicate", List.of("INSERT INTO d VALUES (1), (1)"), List.of(), true, false, true,
            null)), List.of(), null);
    assertThatThrownBy(() -> planner.apply(plan, pg.dataSource(db)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.APPLY_FAILED))
        .hasMessageContaining("Committing steps 1-2 failed").hasMessageContaining("duplicate key")
        .hasMessageContaining("Nothing was changed: steps 1-2 ran together in one transaction, which was rolled back.")
        .hasMessageContaining("Recorded as failed");
    assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'd'")).isZero();
  }
}
