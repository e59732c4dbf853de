package dev.lockplane.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.safety.ReportFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hooks' policy: its defaults, the risk order it fails at, and the settings it refuses. */
class TracePolicyTest {
  @Test
  void defaultsFailAtDangerousAndAboveOnly() {
    TracePolicy policy = TracePolicy.defaults();
    assertThat(policy.failAt()).contains(RiskClass.DANGEROUS);
    assertThat(policy.fails(RiskClass.LOSSY)).isFalse();
    assertThat(policy.fails(RiskClass.DANGEROUS)).isTrue();
    assertThat(policy.fails(RiskClass.MULTI_PHASE)).isTrue();
    assertThat(policy.reportFile()).isEmpty();
    assertThat(policy.slowStatement()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void reportOnlyNeverFails() {
    TracePolicy policy = TracePolicy.builder().reportOnly().reportTo(Path.of("t.json"), ReportFormat.JSON).build();
    assertThat(policy.failAt()).isEmpty();
    assertThat(policy.fails(RiskClass.MULTI_PHASE)).isFalse();
    assertThat(policy.reportFormat()).isEqualTo(ReportFormat.JSON);
  }

  @Test
  void refusesDuplicateConflictingAndUnknownSettings() {
    assertThatThrownBy(() -> TracePolicy.builder().failAt(RiskClass.REVIEW).failAt(RiskClass.LOSSY))
        .isInstanceOf(LockplaneException.class).hasMessage("failAt was already set to REVIEW; set it once.");
    assertThatThrownBy(() -> TracePolicy.builder().failAt(RiskClass.REVIEW).reportOnly())
        .hasMessageContaining("conflicts with failAt, already set to REVIEW");
    assertThatThrownBy(() -> TracePolicy.builder().ignore(List.of("truncate", "no-such-rule")))
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("unknown trace rule 'no-such-rule'").hasMessageContaining("create-index-blocking");
    assertThatThrownBy(() -> TracePolicy.builder().slowStatement(Duration.ZERO)).hasMessageContaining("must be positive");
  }
}
