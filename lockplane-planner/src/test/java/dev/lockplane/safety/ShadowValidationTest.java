package dev.lockplane.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.LockplaneException;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.Script;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.plan.LockMode;
import dev.lockplane.testing.SharedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shadow validation on a clone of a table with one million narrow rows: the naive steps are measured
 * rewriting or scanning under ACCESS EXCLUSIVE, their safer forms measured with weaker locks and no
 * rewrite, and the rollbacks restore the schema fingerprint.
 */
class ShadowValidationTest {
  private static final Golden MILLION = Golden.fromScripts(List.of(Script.of("orders.sql", """
      CREATE TABLE orders (id int NOT NULL, amount int NOT NULL);
      INSERT INTO orders SELECT g, g % 1000 FROM generate_series(1, 1000000) g;
      ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
      """)));
  private static CloneManager clones;

  @BeforeAll
  static void golden() {
    String prefix = "sv" + UUID.randomUUID().toString().replace("-", "").substring(0, 6) + "_";
    clones = CloneManagers.databases(SharedPostgres.get()).golden(MILLION).databasePrefix(prefix).start();
  }

  @AfterAll
  static void close() {
    if (clones != null) {
      clones.close();
    }
  }

  @Test
  void naiveStepsAreMeasuredRewritingUnderAccessExclusive() {
    List<String> events = new ArrayList<>();
    ValidationReport report = ShadowValidation.on(clones)
        .steps(List.of(
            SqlStep.of("ALTER TABLE orders ALTER COLUMN amount TYPE bigint"),
            SqlStep.of("ALTER TABLE orders ADD CONSTRAINT orders_amount_nonneg CHECK (amount >= 0)")))
        .rollback(List.of(
            SqlStep.of("ALTER TABLE orders DROP CONSTRAINT orders_amount_nonneg"),
            SqlStep.of("ALTER TABLE orders ALTER COLUMN amount TYPE int")))
        .listener((phase, r) -> events.add(phase + " " + r.number()))
        .build()
        .run();

    System.out.println(report.render(ReportFormat.TEXT)); // kept in the surefire output as a sample
    assertThat(report.passed()).as(report.render(ReportFormat.TEXT)).isTrue();
    StepResult typeChange = report.steps().get(0);
    assertThat(typeChange.rewritten()).containsExactly("orders");
    assertThat(typeChange.lockOn("orders")).contains(LockMode.ACCESS_EXCLUSIVE);
    LockHold held = typeChange.locks().stream().filter(l -> l.relation().equals("orders")).findFirst().orElseThrow();
    assertThat(held.heldFor()).isPositive().isLessThanOrEqualTo(typeChange.wallTime());
    // A rewrite of a million rows writes at least the new heap to the WAL (≈ 35 MB of tuples).
    assertThat(typeChange.walBytes()).isGreaterThan(20L << 20);

    StepResult check = report.steps().get(1);
    assertThat(check.rewritten()).isEmpty();
    assertThat(check.lockOn("orders")).contains(LockMode.ACCESS_EXCLUSIVE);
    assertThat(events).containsExactly("step 1", "step 2", "rollback 1", "rollback 2");
    assertThat(report.rolledBackFingerprint()).contains(report.sourceFingerprint());
    assertThat(clones.list()).isEmpty();
  }

  @Test
  void saferStepsAreMeasuredWithWeakerLocks() {
    ValidationReport report = ShadowValidation.on(clones)
        .steps(List.of(
            SqlStep.of("ALTER TABLE orders ADD COLUMN amount_big bigint DEFAULT 0"),
            SqlStep.of("ALTER TABLE orders ADD CONSTRAINT orders_amount_nonneg CHECK (amount >= 0) NOT VALID"),
            SqlStep.of("ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_nonneg")))
        .rollback(List.of(
            SqlStep.of("ALTER TABLE orders DROP CONSTRAINT orders_amount_nonneg"),
            SqlStep.of("ALTER TABLE orders DROP COLUMN amount_big")))
        .build()
        .run();

    System.out.println(report.render(ReportFormat.MARKDOWN));
    assertThat(report.passed()).as(report.render(ReportFormat.TEXT)).isTrue();
    StepResult add = report.steps().get(0);
    assertThat(add.rewritten()).isEmpty();
    assertThat(add.lockOn("orders")).contains(LockMode.ACCESS_EXCLUSIVE);
    assertThat(add.walBytes()).isLessThan(1L << 20);
    StepResult validate = report.steps().get(2);
    assertThat(validate.rewritten()).isEmpty();
    assertThat(validate.lockOn("orders")).contains(LockMode.SHARE_UPDATE_EXCLUSIVE);
    assertThat(validate.strongestLock().orElseThrow().mode()).isEqualTo(LockMode.SHARE_UPDATE_EXCLUSIVE);

    String json = report.render(ReportFormat.JSON);
    assertThat(json).contains("\"mode\" : \"SHARE UPDATE EXCLUSIVE\"").contains("\"passed\" : true");
    // Keys are sorted at every level, whatever order the renderer put them in.
    assertThat(json.indexOf("\"rollback\"")).isLessThan(json.indexOf("\"serverVersion\""));
    assertThat(json.indexOf("\"heldMillis\"")).isLessThan(json.indexOf("\"mode\""));
    assertThat(report.render(ReportFormat.MARKDOWN)).contains("| 3 | `ALTER TABLE orders VALIDATE CONSTRAINT");
    assertThat(report.render(ReportFormat.TEXT)).contains("step 3 held SHARE UPDATE EXCLUSIVE on orders for");
  }

  @Test
  void aFailingStepIsReportedAndStopsTheRun() {
    ValidationReport report = ShadowValidation.on(clones)
        .steps(List.of(
            SqlStep.of("ALTER TABLE orders ADD COLUMN extra int NOT NULL"),
            SqlStep.of("ALTER TABLE orders DROP COLUMN amount")))
        .rollback(List.of(SqlStep.of("ALTER TABLE orders DROP COLUMN extra")))
        .build()
        .run();

    assertThat(report.passed()).isFalse();
    assertThat(report.steps()).hasSize(1);
    assertThat(report.steps().get(0).error()).hasValueSatisfying(e -> assertThat(e).startsWith("23502"));
    assertThat(report.rollback()).isEmpty();
    assertThat(report.render(ReportFormat.TEXT)).contains("step 1 failed after").contains("FAILED");
  }

  @Test
  void aRollbackThatDoesNotRestoreTheSchemaFails() {
    ValidationReport report = ShadowValidation.on(clones)
        .steps(List.of(SqlStep.of("CREATE INDEX orders_amount_idx ON orders (amount)")))
        .build()
        .run();
    assertThat(report.stepsSucceeded()).isTrue();
    assertThat(report.rollbackRestoresSchema()).isFalse();
    assertThat(report.steps().get(0).lockOn("orders")).contains(LockMode.SHARE);
  }

  @Test
  void builderRejectsDuplicatesAndMissingSteps() {
    assertThatThrownBy(() -> ShadowValidation.on(clones).build())
        .isInstanceOf(LockplaneException.class).hasMessageContaining("needs steps");
    assertThatThrownBy(() -> ShadowValidation.on(clones).steps(List.of(SqlStep.of("SELECT 1")))
        .steps(List.of(SqlStep.of("SELECT 2"))))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("already set to");
  }
}
