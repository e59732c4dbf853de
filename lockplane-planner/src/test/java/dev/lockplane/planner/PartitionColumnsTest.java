package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.PartitionColumn;
import dev.lockplane.schema.Table;
import dev.lockplane.testing.SharedPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Partitions' own column defaults and NOT NULLs: what the model holds for them, and the statements
 * the planner writes (the corpus cases {@code partition-*} check that plans converge).
 */
class PartitionColumnsTest {
  private static final String PARENT =
      "CREATE TABLE m (k int NOT NULL, qty int DEFAULT 1, note text) PARTITION BY LIST (k);\n";

  private final Planner planner = Lockplane.planner().scratchServer(SharedPostgres.get()).build();

  private DatabaseSchema load(String sql) {
    return planner.load(Desired.sql("desired.sql", sql), Dialect.POSTGRESQL, SharedPostgres.get().majorVersion());
  }

  private static Table table(DatabaseSchema s, String name) {
    return s.table("public", name).orElseThrow();
  }

  private static List<String> sql(Plan plan) {
    return plan.steps().stream().flatMap(s -> s.sql().stream()).toList();
  }

  @Test
  void onlyColumnsThatDifferFromTheParentAreListed() {
    DatabaseSchema s = load(PARENT
        + "CREATE TABLE m1 PARTITION OF m (qty DEFAULT 5, note NOT NULL) FOR VALUES IN (1);\n"
        + "CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2);\n"
        + "ALTER TABLE m2 ALTER COLUMN qty DROP DEFAULT;\n"
        + "CREATE TABLE m3 PARTITION OF m FOR VALUES IN (3) PARTITION BY LIST (k);\n"
        + "CREATE TABLE m3a PARTITION OF m3 (note DEFAULT 'x') FOR VALUES IN (3);\n");
    assertThat(table(s, "m1").partitionColumns()).containsExactly(
        new PartitionColumn("note", null, true), new PartitionColumn("qty", "5", false));
    assertThat(table(s, "m2").partitionColumns()).containsExactly(new PartitionColumn("qty", null, false));
    assertThat(table(s, "m3").partitionColumns()).isEmpty();
    assertThat(table(s, "m3").columns()).isEmpty();
    assertThat(table(s, "m3a").partitionColumns()).containsExactly(new PartitionColumn("note", "'x'::text", false));
    // the JSON form carries them, and an ordinary partition's JSON is unchanged
    String json = Planner.toJson(s);
    assertThat(json).contains("\"partitionColumns\"").contains("\"defaultValue\" : \"'x'::text\"");
    assertThat(Planner.schemaFromJson(json, "partitions.json")).isEqualTo(s);
    // the SQL form writes them as column options of PARTITION OF
    assertThat(Planner.toSql(s))
        .contains("CREATE TABLE public.m1 PARTITION OF public.m (note DEFAULT NULL NOT NULL, qty DEFAULT 5) FOR VALUES IN (1)")
        .contains("CREATE TABLE public.m2 PARTITION OF public.m (qty DEFAULT NULL) FOR VALUES IN (2)")
        .contains("CREATE TABLE public.m3 PARTITION OF public.m FOR VALUES IN (3) PARTITION BY LIST (k);")
        .contains("CREATE TABLE public.m3a PARTITION OF public.m3 (note DEFAULT 'x'::text) FOR VALUES IN (3);");
    assertThat(load(Planner.toSql(s))).isEqualTo(s);
  }

  @Test
  void aPartitionsOwnSettingIsSetAgainAfterTheParentsChangeRecursesIntoIt() {
    DatabaseSchema current = load(PARENT
        + "CREATE TABLE m1 PARTITION OF m (qty DEFAULT 5) FOR VALUES IN (1);\n"
        + "CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2);\n");
    DatabaseSchema desired = load(PARENT.replace("DEFAULT 1", "DEFAULT 2")
        + "CREATE TABLE m1 PARTITION OF m (qty DEFAULT 5) FOR VALUES IN (1);\n"
        + "CREATE TABLE m2 PARTITION OF m (note NOT NULL) FOR VALUES IN (2);\n");
    Plan plan = planner.plan(current, desired);
    assertThat(sql(plan)).containsExactly(
        "ALTER TABLE public.m ALTER COLUMN qty DROP DEFAULT, ALTER COLUMN qty SET DEFAULT 2",
        "ALTER TABLE public.m1 ALTER COLUMN qty DROP DEFAULT, ALTER COLUMN qty SET DEFAULT 5",
        "ALTER TABLE public.m2 ALTER COLUMN note SET NOT NULL");
    assertThat(plan.steps()).extracting(Step::description).contains("Alter column note (set not null) of public.m2");
    // back: the parent's default recurses into m1, which then gets its own again; m2 drops its NOT NULL
    assertThat(plan.reverse().steps().stream().flatMap(s -> s.sql().stream()).toList()).containsExactly(
        "ALTER TABLE public.m ALTER COLUMN qty DROP DEFAULT, ALTER COLUMN qty SET DEFAULT 1",
        "ALTER TABLE public.m1 ALTER COLUMN qty DROP DEFAULT, ALTER COLUMN qty SET DEFAULT 5",
        "ALTER TABLE public.m2 ALTER COLUMN note DROP NOT NULL");
  }

  @Test
  void aPartitionThatFollowsItsParentGetsNoStepOfItsOwn() {
    DatabaseSchema current = load(PARENT + "CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);\n");
    DatabaseSchema desired = load(PARENT.replace("DEFAULT 1", "DEFAULT 3").replace("note text", "note text NOT NULL")
        + "CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);\n");
    // PostgreSQL carries the parent's changes into the partition
    assertThat(sql(planner.plan(current, desired))).containsExactlyInAnyOrder(
        "ALTER TABLE public.m ALTER COLUMN qty DROP DEFAULT, ALTER COLUMN qty SET DEFAULT 3",
        "ALTER TABLE public.m ALTER COLUMN note SET NOT NULL");
  }

  @Test
  void aPartitionThatRejectedNullIsToldWhenTheParentStopsRejectingIt() {
    String before = PARENT.replace("note text", "note text NOT NULL");
    DatabaseSchema current = load(before + "CREATE TABLE m1 PARTITION OF m (note NOT NULL) FOR VALUES IN (1);\n");
    assertThat(table(current, "m1").partitionColumns()).isEmpty();
    // PostgreSQL 18 keeps m1's own NOT NULL when the parent drops its own; older versions drop both
    assertThat(sql(planner.plan(current, load(PARENT + "CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);\n"))))
        .containsExactly("ALTER TABLE public.m ALTER COLUMN note DROP NOT NULL",
            "ALTER TABLE public.m1 ALTER COLUMN note DROP NOT NULL");
    assertThat(sql(planner.plan(current, load(PARENT
        + "CREATE TABLE m1 PARTITION OF m (note NOT NULL) FOR VALUES IN (1);\n"))))
        .containsExactly("ALTER TABLE public.m ALTER COLUMN note DROP NOT NULL",
            "ALTER TABLE public.m1 ALTER COLUMN note SET NOT NULL");
  }

  @Test
  void aPartitionColumnTheParentDoesNotHaveIsRejected() {
    DatabaseSchema current = load(PARENT + "CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);\n");
    Table m1 = table(current, "m1");
    Table wrong = new Table(m1.schema(), m1.name(), m1.columns(), m1.constraints(), m1.indexes(), m1.triggers(),
        m1.policies(), false, false, null, m1.partitionOf(), m1.partitionBound(), null, null, false, List.of(),
        List.of(new PartitionColumn("missing", "1", false)));
    DatabaseSchema desired = new DatabaseSchema(current.dialect(), current.schemas(), current.extensions(),
        current.enums(), current.domains(), current.compositeTypes(), current.sequences(),
        current.tables().stream().map(t -> t.name().equals("m1") ? wrong : t).toList(), current.views(),
        current.routines());
    assertThatThrownBy(() -> planner.plan(current, desired)).isInstanceOfSatisfying(LockplaneException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
          assertThat(e.getMessage()).contains("public.m1").contains("missing");
        });
  }
}
