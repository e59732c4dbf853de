package dev.lockplane.planner;

import dev.lockplane.clone.CloneManager;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.Step;
import dev.lockplane.safety.ShadowValidation;
import dev.lockplane.safety.SqlStep;
import dev.lockplane.safety.ValidationListener;
import dev.lockplane.safety.ValidationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Shadow-validates a plan: its forward steps, then its rollback steps, on a thin clone of the clone
 * manager's golden (which should hold the plan's source schema with production-like data), measuring
 * each statement (see {@link ShadowValidation}).
 *
 * <pre>{@code
 * try (CloneManager clones = CloneManagers.databases(url, user, password)
 *     .golden(Golden.fromDatabase("shop")).start()) {
 *   ValidationReport report = PlanValidation.run(plan, clones, ValidationListener.NONE);
 *   report.assertNoLockLongerThan(Duration.ofMillis(200));
 * }
 * }</pre>
 */
public final class PlanValidation {
  private PlanValidation() {}

  /**
   * Runs the validation.
   *
   * @param plan the plan (its source schema should be the golden's)
   * @param clones the clone manager whose golden is the source data
   * @param listener told of each step's progress
   * @return the report; a failing step is reported, not thrown
   */
  public static ValidationReport run(Plan plan, CloneManager clones, ValidationListener listener) {
    Objects.requireNonNull(plan, "plan");
    ShadowValidation.Builder b = ShadowValidation.on(clones).steps(sqlSteps(plan.steps()))
        .listener(Objects.requireNonNull(listener, "listener"));
    if (!plan.rollbackSteps().isEmpty()) {
      b.rollback(sqlSteps(plan.rollbackSteps()));
    }
    return b.build().run();
  }

  /**
   * Returns a plan's steps as the statements the safety tools run: one per SQL statement, with the
   * step's transactional flag and its description (numbered when a step has several statements).
   *
   * @param steps the plan's steps
   * @return the statements, in order
   */
  public static List<SqlStep> sqlSteps(List<Step> steps) {
    List<SqlStep> out = new ArrayList<>();
    for (Step s : steps) {
      int n = 1;
      for (String sql : s.sql()) {
        String d = s.sql().size() == 1 ? s.description() : s.description() + " (" + n++ + "/" + s.sql().size() + ")";
        out.add(new SqlStep(sql, s.transactional(), d));
      }
    }
    return out;
  }
}
