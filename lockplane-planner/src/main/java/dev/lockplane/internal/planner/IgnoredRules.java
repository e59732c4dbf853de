package dev.lockplane.internal.planner;

import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepRisk;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Removes the findings of ignored rules from a plan's steps; everything else, the digest included, stays. */
public final class IgnoredRules {
  private IgnoredRules() {}

  /** The plan without findings whose rule id is in {@code ignored}. */
  public static Plan without(Plan plan, Set<String> ignored) {
    if (ignored.isEmpty()) {
      return plan;
    }
    List<Step> steps = new ArrayList<>();
    for (Step s : plan.steps()) {
      StepRisk r = s.risk();
      if (r == null || r.findings().stream().noneMatch(f -> ignored.contains(f.ruleId()))) {
        steps.add(s);
        continue;
      }
      steps.add(s.withRisk(s.sql(), s.transactional(), new StepRisk(r.kinds(), r.risk(), r.lock(), r.locks(),
          r.effect(), r.estimate(), r.findings().stream().filter(f -> !ignored.contains(f.ruleId())).toList(),
          r.rewrittenFrom())));
    }
    return new Plan(plan.dialect(), plan.sourceHash(), plan.targetHash(), steps, plan.rollbackSteps(), plan.source(),
        plan.digest());
  }
}
