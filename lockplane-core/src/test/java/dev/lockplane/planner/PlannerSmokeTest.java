package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockplane.plan.Plan;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.testing.SharedPostgres;
import org.junit.jupiter.api.Test;

class PlannerSmokeTest {
  @Test
  void plansAndAppliesATable() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    Planner planner = Lockplane.planner().scratchServer(pg).build();
    DatabaseSchema before = planner.load(Desired.sql("before.sql", "CREATE TABLE t (id int PRIMARY KEY, name text);"), Dialect.POSTGRESQL, 18);
    DatabaseSchema after = planner.load(Desired.sql("after.sql",
        "CREATE TYPE mood AS ENUM ('a','b');\nCREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x', m mood, c int CHECK (c > 0));\n"
        + "CREATE INDEX t_name ON t (lower(name) DESC) WHERE id > 5;\nCREATE VIEW v AS SELECT id, name FROM t;\n"
        + "CREATE TABLE u (id serial PRIMARY KEY, t_id bigint REFERENCES t(id) ON DELETE CASCADE);\nCOMMENT ON TABLE t IS 'hello';"),
        Dialect.POSTGRESQL, 18);
    System.out.println(Planner.toJson(after));
    Plan plan = planner.plan(before, after);
    System.out.println(plan.toText());
    System.out.println("ROLLBACK:\n" + plan.reverse().toText());
    assertThat(plan.steps()).isNotEmpty();
  }
}
