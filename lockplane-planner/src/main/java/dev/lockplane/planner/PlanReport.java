package dev.lockplane.planner;

import dev.lockplane.erd.Erd;
import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepFinding;
import dev.lockplane.plan.StepRisk;
import dev.lockplane.safety.ReportFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a plan with its risk report: text for a terminal ({@link Plan#toText()}), the Lockplane JSON
 * document (sorted keys), or Markdown for a pull-request comment (a table of steps with their risk
 * columns, then the findings, a Mermaid diagram of the tables it touches ({@link Erd#ofPlan}) and
 * the SQL). Deterministic: the same plan gives the same bytes.
 */
public final class PlanReport {
  private PlanReport() {}

  /**
   * Renders a plan.
   *
   * @param plan the plan
   * @param format the format
   * @return the text
   */
  public static String render(Plan plan, ReportFormat format) {
    Objects.requireNonNull(plan, "plan");
    return switch (Objects.requireNonNull(format, "format")) {
      case TEXT -> plan.toText();
      case JSON -> Planner.toJson(plan);
      case MARKDOWN -> markdown(plan);
    };
  }

  private static String markdown(Plan plan) {
    StringBuilder b = new StringBuilder("### Lockplane plan\n\n");
    if (plan.steps().isEmpty()) {
      return b.append("No changes: the database already has the desired schema.\n").toString();
    }
    b.append("| # | Step | Risk | Lock | Effect | Estimate |\n|---|---|---|---|---|---|\n");
    int n = 1;
    for (Step s : plan.steps()) {
      StepRisk r = s.risk();
      b.append("| ").append(n++).append(" | ").append(cell(s.description()));
      if (r != null && !r.rewrittenFrom().isEmpty()) {
        b.append(" (safe form of `").append(r.rewrittenFrom()).append("`)");
      }
      if (r == null) {
        b.append(" | not assessed | | | |\n");
        continue;
      }
      b.append(" | ").append(badge(r.risk())).append(" | ").append(cell(r.lock() == null ? "" : r.lock().sqlName()))
          .append(" | ").append(r.effect().name().toLowerCase(Locale.ROOT))
          .append(" | ").append(cell(r.estimate())).append(" |\n");
    }
    StringBuilder findings = new StringBuilder();
    n = 1;
    for (Step s : plan.steps()) {
      if (s.risk() != null) {
        for (StepFinding f : s.risk().findings()) {
          findings.append("- **Step ").append(n).append("** `").append(f.ruleId()).append("` (")
              .append(f.risk().name().toLowerCase(Locale.ROOT)).append("): ").append(f.message());
          if (!f.saferAlternative().isEmpty()) {
            findings.append(" *Safer:* ").append(f.saferAlternative());
          }
          findings.append('\n');
        }
      }
      n++;
    }
    if (!findings.isEmpty()) {
      b.append("\n#### Findings\n\n").append(findings);
    }
    Erd erd = Erd.ofPlan(plan);
    if (!erd.tables().isEmpty()) {
      b.append("\n#### Tables\n\nThe tables the plan touches, as they are before it: added in green, dropped in red, "
          + "altered in amber.\n\n```mermaid\n").append(erd.mermaid()).append("```\n");
    }
    b.append("\n<details><summary>SQL</summary>\n\n```sql\n");
    for (Step s : plan.steps()) {
      for (String sql : s.sql()) {
        b.append(sql).append(";\n");
      }
    }
    return b.append("```\n\n</details>\n").toString();
  }

  private static String badge(RiskClass risk) {
    return switch (risk) {
      case SAFE -> "safe";
      case REVIEW -> "**review**";
      default -> "**" + risk.name().toLowerCase(Locale.ROOT).replace('_', '-') + "** ⚠";
    };
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
