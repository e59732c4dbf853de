package dev.lockplane.internal.planner;

import dev.lockplane.plan.Plan;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.Step;
import dev.lockplane.plan.StepFinding;
import dev.lockplane.plan.StepRisk;
import dev.lockplane.planner.Ownership;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds the findings of an {@link Ownership} declaration to a plan's assessed steps: which consumers a
 * breaking step affects, and a deprecated column dropped on or before its removal date.
 */
public final class OwnershipReview {
  private OwnershipReview() {}

  /** What a breaking step does to which table or column. */
  private record Break(String verb, String table, String column) {
    String object() {
      return column == null ? "table " + table : "column " + table + "." + column;
    }
  }

  /** The plan with the findings added to its assessed steps. */
  public static Plan review(Ownership ownership, Plan plan, LocalDate today) {
    if (ownership.objects().isEmpty()) {
      return plan;
    }
    List<Step> steps = new ArrayList<>();
    boolean changed = false;
    for (Step s : plan.steps()) {
      Break b = breaking(s);
      if (b == null || s.risk() == null) {
        steps.add(s);
        continue;
      }
      List<StepFinding> added = new ArrayList<>();
      List<String> consumers = ownership.consumers(b.table(), b.column());
      // A column's own owner, else its table's.
      String owner = ownership.get(b.column() == null ? b.table() : b.table() + "." + b.column())
          .map(Ownership.Owned::owner)
          .orElseGet(() -> ownership.get(b.table()).map(Ownership.Owned::owner).orElse(null));
      if (!consumers.isEmpty()) {
        added.add(new StepFinding(Ownership.BREAKS_CONSUMERS, RiskClass.REVIEW, capitalised(b.verb()) + " "
            + b.object() + ", which " + String.join(", ", consumers) + (consumers.size() == 1 ? " reads" : " read")
            + (owner == null ? "" : " (owner: " + owner + ")") + ".",
            "Tell the consumers first, or keep the old shape until they have moved (expand/contract)."));
      }
      if (b.verb().equals("drops") && b.column() != null) {
        Ownership.Deprecation d = ownership.get(b.table() + "." + b.column()).map(Ownership.Owned::deprecated)
            .orElse(null);
        if (d != null && d.removeAfter() != null && !today.isAfter(d.removeAfter())) {
          added.add(new StepFinding(Ownership.DROP_BEFORE_DATE, RiskClass.DANGEROUS, "Drops column " + b.table() + "."
              + b.column() + " on " + today + ", but it is deprecated until " + d.removeAfter()
              + (d.reason() == null ? "" : " (" + d.reason() + ")") + ": clients may still read it.",
              "Drop it after " + d.removeAfter() + (d.replacement() == null ? "" : "; until then clients move to "
                  + d.replacement()) + ". If every consumer has moved, bring the date forward."));
        }
      }
      if (added.isEmpty()) {
        steps.add(s);
        continue;
      }
      StepRisk r = s.risk();
      List<StepFinding> findings = new ArrayList<>(r.findings());
      findings.addAll(added);
      steps.add(s.withRisk(s.sql(), s.transactional(), new StepRisk(r.kinds(), r.risk(), r.lock(), r.locks(), r.effect(),
          r.estimate(), findings, r.rewrittenFrom())));
      changed = true;
    }
    return changed ? new Plan(plan.dialect(), plan.sourceHash(), plan.targetHash(), steps, plan.rollbackSteps(),
        plan.source(), plan.digest()) : plan;
  }

  private static Break breaking(Step s) {
    String table = null;
    String column = null;
    for (String o : s.objects()) {
      if (o.startsWith("column ")) {
        String q = o.substring(7);
        table = q.substring(0, q.lastIndexOf('.'));
        column = q.substring(q.lastIndexOf('.') + 1);
      } else if (o.startsWith("table ") && table == null) {
        table = o.substring(6);
      }
    }
    if (table == null) {
      return null;
    }
    return switch (s.operation()) {
      case "drop_table" -> new Break("drops", table, null);
      case "rename_table" -> new Break("renames", table, null);
      case "drop_column" -> new Break("drops", table, column);
      case "rename_column" -> new Break("renames", table, s.renamedFrom() == null ? column : s.renamedFrom());
      case "alter_column" -> s.description().contains("(type ") || s.description().contains("; type ")
          ? new Break("changes the type of", table, column)
          : s.description().contains("set not null") ? new Break("sets NOT NULL on", table, column) : null;
      default -> null;
    };
  }

  private static String capitalised(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
