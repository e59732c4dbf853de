package dev.lockplane.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.clones.CloneManagers;
import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.Plan;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.SafetyLevel;
import dev.lockplane.safety.ValidationListener;
import dev.lockplane.safety.ValidationReport;
import dev.lockplane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A strict plan shadow-validated on a database clone, and the lock-duration assertion. */
class PlanValidationTest {
  @Test
  void strictPlanPassesOnACloneAndTheLockAssertionNamesTheStep() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    String db = "planval_" + Long.toHexString(System.nanoTime());
    String prefix = "pv" + Long.toHexString(System.nanoTime() % 0xffffff) + "_";
    String golden = null;
    PlannerCorpusTest.exec(pg, "CREATE DATABASE " + db + " TEMPLATE template0");
    try {
      String base = "CREATE TABLE orders (id int PRIMARY KEY, customer int);";
      try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
        s.execute(base + "INSERT INTO orders SELECT g, g % 10 FROM generate_series(1, 2000) g; ANALYZE orders");
      }
      Plan plan = Lockplane.planner().scratchServer(pg).safety(SafetyLevel.STRICT).build()
          .plan(pg.dataSource(db), Desired.sql("d.sql", base + "CREATE INDEX orders_customer ON orders (customer);"));
      assertThat(plan.steps().get(0).sql().get(0)).startsWith("CREATE INDEX CONCURRENTLY");
      ValidationReport report;
      try (CloneManager clones = CloneManagers.databases(pg).golden(Golden.fromDatabase(db)).databasePrefix(prefix).start()) {
        golden = clones.golden().name();
        report = PlanValidation.run(plan, clones, ValidationListener.NONE);
      }
      assertThat(report.passed()).as(report.render(ReportFormat.TEXT)).isTrue();
      report.assertNoLockLongerThan(Duration.ofSeconds(30))
          .assertNoLockLongerThan(LockMode.SHARE, Duration.ofSeconds(30));
      // The concurrent build held SHARE UPDATE EXCLUSIVE for some time: a zero budget names it.
      ValidationReport r = report;
      assertThatThrownBy(() -> r.assertNoLockLongerThan(LockMode.SHARE_UPDATE_EXCLUSIVE, Duration.ZERO))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("step 1 (CREATE INDEX CONCURRENTLY orders_customer")
          .hasMessageContaining("held SHARE UPDATE EXCLUSIVE on orders");
    } finally {
      if (golden != null) {
        PlannerCorpusTest.exec(pg, "ALTER DATABASE " + golden + " WITH IS_TEMPLATE false");
        PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + golden);
      }
      PlannerCorpusTest.exec(pg, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }
}
