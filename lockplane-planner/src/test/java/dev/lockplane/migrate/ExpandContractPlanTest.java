package dev.lockplane.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.LockplaneException;
import dev.lockplane.safety.SqlStep;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plans are pure and deterministic; bad input is refused with a message that says what to do. */
class ExpandContractPlanTest {
  private static final Change RENAME = new Change.RenameColumn("orders", "id", "total", "amount", "numeric(12,2)", true);

  @Test
  void planningIsDeterministic() {
    assertThat(ExpandContract.plan("a", RENAME)).isEqualTo(ExpandContract.plan("a", RENAME));
    ExpandContractPlan plan = ExpandContract.plan("a", RENAME);
    assertThat(plan.summary()).isEqualTo("rename of orders.total → amount");
    assertThat(plan.phases()).extracting(PhasePlan::phase).containsExactly(Phase.EXPAND, Phase.MIGRATE, Phase.CONTRACT);
    assertThat(plan.migrate().backfill()).hasValue(
        Backfill.of("orders", "id", "amount = total").where("amount IS DISTINCT FROM total"));
    assertThat(plan.contract().steps()).extracting(SqlStep::sql).last().asString()
        .contains("ALTER TABLE orders DROP COLUMN total");
    assertThat(plan.phases()).allMatch(p -> p.steps().stream().allMatch(SqlStep::transactional));
  }

  @Test
  void renameTableNeedsNoBackfill() {
    ExpandContractPlan plan = ExpandContract.plan("t", new Change.RenameTable("orders", "purchases"));
    assertThat(plan.migrate().isEmpty()).isTrue();
    assertThat(plan.expand().steps()).singleElement().extracting(SqlStep::sql).asString()
        .contains("ALTER TABLE orders RENAME TO purchases").contains("CREATE VIEW orders AS SELECT * FROM purchases");
  }

  @Test
  void dropColumnSaysItsContractRollbackIsLossy() {
    ExpandContractPlan plan = ExpandContract.plan("d", new Change.DropColumn("orders", "legacy", "text", false));
    assertThat(plan.expand().steps()).isEmpty();
    assertThat(plan.contract().notes()).anyMatch(n -> n.startsWith("lossy"));
  }

  @Test
  void refusesBadInput() {
    assertThatThrownBy(() -> ExpandContract.plan("has space", RENAME))
        .hasMessageContaining("migration id 'has space' is not usable");
    assertThatThrownBy(() -> new Change.ChangeColumnType("t", "id", "c", "int", "bigint", "c::bigint", "{}::int",
        "c2", false)).hasMessageContaining("must contain {}");
    assertThatThrownBy(() -> ExpandContractRunner.builder().batchSize(10).batchSize(20))
        .isInstanceOf(LockplaneException.class).hasMessageContaining("batchSize was already set to 10");
    assertThatThrownBy(() -> ExpandContractRunner.builder().batchLockTimeout(Duration.ZERO))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> ExpandContractRunner.builder().batchSize(0)).hasMessageContaining("at least 1");
  }

  @Test
  void statusDescribesEachPhase() {
    PhaseState expand = new PhaseState(Phase.EXPAND, PhaseStatus.COMPLETED, 0, 0, 0, -1, java.util.Optional.empty(),
        java.util.Optional.of(java.time.Instant.EPOCH), java.util.Optional.of(java.time.Instant.EPOCH),
        java.util.Optional.empty());
    PhaseState migrate = new PhaseState(Phase.MIGRATE, PhaseStatus.RUNNING, 4_300, 4_300, 5, 10_000,
        java.util.Optional.of("4300"), java.util.Optional.of(java.time.Instant.EPOCH), java.util.Optional.empty(),
        java.util.Optional.empty());
    MigrationStatus s = new MigrationStatus("x", "rename of orders.total → amount",
        List.of(expand, migrate, PhaseState.pending(Phase.CONTRACT)));
    assertThat(s.describe())
        .isEqualTo("rename of orders.total → amount: expand done, migrate 43 % (resumable), contract pending");
  }
}
