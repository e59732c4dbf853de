package dev.lockplane.planner;

import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.TableEffect;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Assertions on a plan's risk report for tests and CI, failing with {@link AssertionError} (which
 * every test framework reports as a failure) and naming each offending step.
 *
 * <pre>{@code
 * Plan plan = Lockplane.planner().build().plan(dataSource, Desired.sqlFiles(Path.of("schema/")));
 * PlanAssertions.assertThat(plan).hasNoStepAbove(RiskClass.REVIEW);
 * }</pre>
 */
public final class PlanAssertions {
  private final Plan plan;

  private PlanAssertions(Plan plan) {
    this.plan = Objects.requireNonNull(plan, "plan");
  }

  /**
   * Starts assertions on a plan.
   *
   * @param plan the plan
   * @return the assertions
   */
  public static PlanAssertions assertThat(Plan plan) {
    return new PlanAssertions(plan);
  }

  /**
   * Asserts that every step was assessed and none has a risk class above {@code max} (in the order
   * SAFE, REVIEW, LOSSY, DANGEROUS, MULTI_PHASE).
   *
   * @param max the highest accepted class
   * @return this
   * @throws AssertionError naming the steps above it, their rules and safer alternatives
   */
  public PlanAssertions hasNoStepAbove(RiskClass max) {
    Objects.requireNonNull(max, "max");
    List<String> bad = new ArrayList<>();
    int n = 1;
    for (Step s : plan.steps()) {
      if (s.risk() == null) {
        bad.add("step " + n + " (" + s.description() + ") has no risk report: plan against a live PostgreSQL database");
      } else if (s.risk().risk().compareTo(max) > 0) {
        StringBuilder b = new StringBuilder("step " + n + " (" + s.description() + ") is " + s.risk().risk());
        s.risk().findings().forEach(f -> b.append("; [").append(f.ruleId()).append("] ").append(f.message())
            .append(f.saferAlternative().isEmpty() ? "" : " Safer: " + f.saferAlternative()));
        bad.add(b.toString());
      }
      n++;
    }
    if (!bad.isEmpty()) {
      throw new AssertionError("Expected no plan step above " + max + ", but:\n  - " + String.join("\n  - ", bad));
    }
    return this;
  }

  /**
   * Asserts that no step rewrites a table.
   *
   * @return this
   * @throws AssertionError naming the rewriting steps and their estimates
   */
  public PlanAssertions rewritesNoTable() {
    List<String> bad = new ArrayList<>();
    int n = 1;
    for (Step s : plan.steps()) {
      if (s.risk() != null && s.risk().effect() == TableEffect.REWRITE) {
        bad.add("step " + n + " (" + s.description() + ")"
            + (s.risk().estimate().isEmpty() ? "" : ": " + s.risk().estimate()));
      }
      n++;
    }
    if (!bad.isEmpty()) {
      throw new AssertionError("Expected no table rewrite, but:\n  - " + String.join("\n  - ", bad));
    }
    return this;
  }
}
