package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepLock;
import dev.lockplane.plan.StepRisk;
import dev.lockplane.plan.TableEffect;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The planner's risk report and safety levels against a real server. */
class PlanRiskTest {
  static final String BASE = "CREATE TABLE orders (id int PRIMARY KEY, code varchar(10), amount int, customer int);"
      + "CREATE TABLE customers (id int PRIMARY KEY);";

  LocalPostgres pg = SharedPostgres.get();
  Planner moderate = Lockplane.planner().scratchServer(pg).build();
  Planner strict = Lockplane.planner().scratchServer(pg).safety(SafetyLevel.STRICT).build();
  String db;

  @BeforeEach
  void createDatabase() throws Exception {
    db = "risk_" + Long.toHexString(System.nanoTime());
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(BASE);
      s.execute("INSERT INTO customers SELECT g FROM generate_series(1, 100) g;"
          + "INSERT INTO orders SELECT g, 'c' || g, g, 1 + g % 100 FROM generate_series(1, 5000) g;"
          + "ANALYZE orders; ANALYZE customers");
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  }

  private Plan plan(Planner p, String extra) {
    return p.plan(pg.dataSource(db), Desired.sql("desired.sql", BASE + extra));
  }

  private static Step only(Plan plan) {
    assertThat(plan.steps()).hasSize(1);
    return plan.steps().get(0);
  }

  private static String baseWith(String ordersColumns) {
    return BASE.replace("customer int)", "customer int" + ordersColumns + ")");
  }

  private Plan planOrders(Planner p, String ordersColumns) {
    return p.plan(pg.dataSource(db), Desired.sql("desired.sql", baseWith(ordersColumns)));
  }

  @Test
  void volatileDefaultIsARewriteWithTheEstimateAndAConstantDefaultIsNot() {
    StepRisk r = only(planOrders(moderate, ", noise float8 DEFAULT random()")).risk();
    assertThat(r.kinds()).containsExactly("ADD_COLUMN_VOLATILE_DEFAULT");
    assertThat(r.risk()).isEqualTo(RiskClass.DANGEROUS);
    assertThat(r.effect()).isEqualTo(TableEffect.REWRITE);
    assertThat(r.lock()).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
    assertThat(r.locks()).containsExactly(new StepLock(LockMode.ACCESS_EXCLUSIVE, "public.orders"));
    assertThat(r.estimate()).startsWith("rewrites `orders` (≈ 5 k rows, ").endsWith(") under ACCESS EXCLUSIVE");
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.ruleId()).isEqualTo("add-column-volatile-default");
      assertThat(f.saferAlternative()).isNotEmpty();
    });

    StepRisk constant = only(planOrders(moderate, ", flag int DEFAULT 0")).risk();
    assertThat(constant.kinds()).containsExactly("ADD_COLUMN_CONSTANT_DEFAULT");
    assertThat(constant.risk()).isEqualTo(RiskClass.SAFE);
    assertThat(constant.effect()).isEqualTo(TableEffect.NONE);
    assertThat(constant.findings()).isEmpty();
  }

  @Test
  void aTypeChangeWithoutACastIsReportedAndStrictRefusesIt() {
    Plan p = moderate.plan(pg.dataSource(db), Desired.sql("d.sql", BASE.replace("amount int", "amount date")));
    StepRisk r = only(p).risk();
    assertThat(r.risk()).isEqualTo(RiskClass.DANGEROUS);
    assertThat(r.findings()).anySatisfy(f -> {
      assertThat(f.ruleId()).isEqualTo("alter-column-type-no-cast");
      assertThat(f.message()).contains("No cast from integer to date", "public.orders.amount");
      assertThat(f.saferAlternative()).contains("add a new column of type date");
    });
    assertThat(PlanReport.render(p, ReportFormat.TEXT)).contains("alter-column-type-no-cast");
    assertThatThrownBy(() -> strict.plan(pg.dataSource(db), Desired.sql("d.sql", BASE.replace("amount int", "amount date"))))
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.UNSAFE_CHANGE))
        .hasMessageContaining("alter-column-type-no-cast");

    // a type change with a cast has no such finding
    Plan castable = moderate.plan(pg.dataSource(db), Desired.sql("d.sql", BASE.replace("amount int", "amount numeric")));
    assertThat(only(castable).risk().findings()).noneMatch(f -> f.ruleId().equals("alter-column-type-no-cast"));
  }

  @Test
  void widenedVarcharIsNoRewriteButIntToBigintIs() {
    Plan widen = moderate.plan(pg.dataSource(db), Desired.sql("d.sql", BASE.replace("varchar(10)", "varchar(20)")));
    StepRisk r = only(widen).risk();
    assertThat(r.kinds()).containsExactly("ALTER_COLUMN_TYPE_VARCHAR_WIDEN");
    assertThat(r.effect()).isEqualTo(TableEffect.NONE);
    assertThat(r.risk()).isEqualTo(RiskClass.SAFE);
    PlanAssertions.assertThat(widen).hasNoStepAbove(RiskClass.SAFE).rewritesNoTable();

    Plan bigger = moderate.plan(pg.dataSource(db), Desired.sql("d.sql", BASE.replace("amount int", "amount bigint")));
    StepRisk b = only(bigger).risk();
    assertThat(b.kinds()).containsExactly("ALTER_COLUMN_TYPE_REWRITE");
    assertThat(b.effect()).isEqualTo(TableEffect.REWRITE);
    assertThatThrownBy(() -> PlanAssertions.assertThat(bigger).hasNoStepAbove(RiskClass.REVIEW))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("step 1").hasMessageContaining("alter-column-type-rewrite");
    assertThatThrownBy(() -> PlanAssertions.assertThat(bigger).rewritesNoTable())
        .isInstanceOf(AssertionError.class).hasMessageContaining("rewrites `orders`");
  }

  @Test
  void strictBuildsIndexesConcurrentlyAndTheResultConverges() throws Exception {
    String extra = "CREATE INDEX orders_customer_idx ON orders (customer);"
        + "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);"
        + "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer) REFERENCES customers (id);"
        + "ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);";
    String desired = BASE.replace("amount int", "amount int NOT NULL") + extra;
    Plan naive = moderate.plan(pg.dataSource(db), Desired.sql("d.sql", desired));
    assertThat(naive.steps()).allSatisfy(s -> assertThat(s.risk().rewrittenFrom()).isEmpty());
    assertThat(naive.steps()).anySatisfy(s -> assertThat(s.risk().kinds()).containsExactly("CREATE_INDEX"));

    Plan plan = strict.plan(pg.dataSource(db), Desired.sql("d.sql", desired));
    String sql = String.join("\n", plan.steps().stream().flatMap(s -> s.sql().stream()).toList());
    assertThat(sql).contains("CREATE INDEX CONCURRENTLY orders_customer_idx")
        .contains("CHECK (amount > 0) NOT VALID").contains("VALIDATE CONSTRAINT orders_amount_positive")
        .contains("NOT VALID").contains("VALIDATE CONSTRAINT orders_customer_fk")
        .contains("CREATE UNIQUE INDEX CONCURRENTLY orders_code_key")
        .contains("UNIQUE USING INDEX orders_code_key")
        .contains("orders_amount_not_null_check");
    assertThat(plan.steps()).allSatisfy(s -> assertThat(s.risk().risk()).isIn(RiskClass.SAFE));
    assertThat(plan.steps().stream().map(s -> s.risk().rewrittenFrom()).filter(r -> !r.isEmpty()))
        .containsExactlyInAnyOrder("create-index", "add-check", "add-foreign-key", "add-unique", "set-not-null");

    strict.apply(plan, pg.dataSource(db));
    // The oracle: the database now has exactly the desired schema, the same as the naive plan's target.
    assertThat(strict.plan(pg.dataSource(db), Desired.sql("d.sql", desired)).isEmpty()).isTrue();
    assertThat(Planner.hash(strict.introspect(pg.dataSource(db)))).isEqualTo(naive.targetHash());

    // The rollback has its report too, its index drop in the safe form, and restores the source schema.
    assertThat(plan.rollbackSteps()).allSatisfy(s -> assertThat(s.risk()).isNotNull());
    assertThat(plan.rollbackSteps()).anySatisfy(s ->
        assertThat(s.sql()).containsExactly("DROP INDEX CONCURRENTLY public.orders_customer_idx"));
    strict.rollback(plan, pg.dataSource(db));
    assertThat(Planner.hash(strict.introspect(pg.dataSource(db)))).isEqualTo(plan.sourceHash());
  }

  @Test
  void strictRefusesDroppingAColumnAndNamesTheStepRuleAndWayOut() {
    String desired = BASE.replace(", customer int", "");
    assertThatThrownBy(() -> strict.plan(pg.dataSource(db), Desired.sql("d.sql", desired)))
        .isInstanceOfSatisfying(LockplaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_CHANGE))
        .hasMessageContaining("step 1")
        .hasMessageContaining("customer")
        .hasMessageContaining("[drop-column, lossy]")
        .hasMessageContaining("Way out")
        .hasMessageContaining("SafetyLevel.MODERATE");
    // Moderate and permissive plan it, with the finding documented.
    Plan p = Lockplane.planner().scratchServer(pg).safety(SafetyLevel.PERMISSIVE).build()
        .plan(pg.dataSource(db), Desired.sql("d.sql", desired));
    assertThat(only(p).risk().findings()).extracting(f -> f.ruleId()).containsExactly("drop-column");
  }

  @Test
  void aNotValidConstraintMadeValidIsValidatedInPlaceNotReAdded() throws Exception {
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;"
          + "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer) REFERENCES customers (id) NOT VALID");
    }
    String desired = BASE + "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);"
        + "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer) REFERENCES customers (id);";
    Plan plan = strict.plan(pg.dataSource(db), Desired.sql("d.sql", desired));
    assertThat(plan.steps()).extracting(s -> String.join(";", s.sql())).containsExactlyInAnyOrder(
        "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_amount_positive",
        "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_fk");
    assertThat(plan.steps()).allSatisfy(s -> {
      assertThat(s.risk().kinds()).first().asString().startsWith("VALIDATE_");
      assertThat(s.risk().locks()).extracting(l -> l.mode().name()).doesNotContain("ACCESS_EXCLUSIVE");
    });
    moderate.apply(plan, pg.dataSource(db));
    assertThat(moderate.plan(pg.dataSource(db), Desired.sql("d.sql", desired)).steps()).isEmpty();
  }

  @Test
  void strictRefusesARewriteAndARename() {
    assertThatThrownBy(() -> strict.plan(pg.dataSource(db), Desired.sql("d.sql", BASE.replace("amount int", "amount bigint"))))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("alter-column-type-rewrite");
    assertThatThrownBy(() -> planOrders(strict, ", noise float8 DEFAULT random()"))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("add-column-volatile-default");
  }

  @Test
  void stepsOnTablesCreatedByThePlanAreSafeAndRendersAreDeterministic() {
    Plan p = plan(strict, "CREATE TABLE fresh (id int PRIMARY KEY, v text NOT NULL DEFAULT random()::text);"
        + "CREATE INDEX fresh_v ON fresh (v);");
    assertThat(p.steps()).allSatisfy(s -> assertThat(s.risk().risk()).isEqualTo(RiskClass.SAFE));
    assertThat(p.steps()).noneSatisfy(s -> assertThat(s.sql().toString()).contains("CONCURRENTLY"));

    Plan risky = planOrders(moderate, ", noise float8 DEFAULT random()");
    String json = PlanReport.render(risky, ReportFormat.JSON);
    assertThat(json).contains("\"risk\"").contains("add-column-volatile-default");
    assertThat(Planner.planFromJson(json, "plan.json")).isEqualTo(risky);
    assertThat(PlanReport.render(Planner.planFromJson(json, "plan.json"), ReportFormat.JSON)).isEqualTo(json);
    String md = PlanReport.render(risky, ReportFormat.MARKDOWN);
    assertThat(md).contains("| # | Step | Risk | Lock | Effect | Estimate |")
        .contains("**dangerous** ⚠ | ACCESS EXCLUSIVE | rewrite | rewrites `orders`")
        .contains("`add-column-volatile-default`").contains("```sql");
    assertThat(PlanReport.render(risky, ReportFormat.TEXT)).contains("-- risk: DANGEROUS, ACCESS EXCLUSIVE, rewrite")
        .contains("-- estimate: rewrites `orders`").contains("-- [add-column-volatile-default]");
  }

  @Test
  void strictKeepsThePlainIndexBuildOnAPartitionedTableAndItApplies() throws Exception {
    String parts = "CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);"
        + "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');";
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute(parts);
    }
    String desired = BASE + parts + "CREATE INDEX events_at ON events (at);";
    Plan p = strict.plan(pg.dataSource(db), Desired.sql("d.sql", desired));
    assertThat(p.steps()).anySatisfy(s -> {
      assertThat(s.sql().get(0)).startsWith("CREATE INDEX events_at");
      assertThat(s.risk().kinds()).containsExactly("CREATE_INDEX");
    });
    assertThat(p.steps()).noneSatisfy(s -> assertThat(s.sql().toString()).contains("CONCURRENTLY"));
    strict.apply(p, pg.dataSource(db));
    assertThat(strict.plan(pg.dataSource(db), Desired.sql("d.sql", desired)).isEmpty()).isTrue();
  }
}
