package dev.lockplane.internal.trace;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.safety.StepResult;
import dev.lockplane.trace.QueryComparison;
import dev.lockplane.trace.TraceReport;
import java.util.Locale;

/** The query comparison section of a trace report, in each format. */
final class QueryRendering {
  private QueryRendering() {}

  /** A few words for the verdict line, or empty when nothing regressed. */
  static String verdict(TraceReport r) {
    long slower = r.queries().stream().filter(QueryComparison::slower).count();
    long failing = r.queries().stream().filter(q -> q.error().isPresent()).count();
    StringBuilder b = new StringBuilder();
    if (slower > 0) {
      b.append("; ").append(slower).append(slower == 1 ? " query" : " queries").append(" slower");
    }
    if (failing > 0) {
      b.append("; ").append(failing).append(failing == 1 ? " query fails" : " queries fail").append(" after it");
    }
    return b.toString();
  }

  /** One line on a query: times, ratio, what changed. */
  static String summary(QueryComparison q) {
    String before = StepResult.human(q.before().median());
    if (q.error().isPresent()) {
      return before + " → FAILS: " + q.error().get();
    }
    double ratio = q.ratio().orElseThrow();
    String change = ratio >= 1 ? String.format(Locale.ROOT, "%.1f× slower", ratio)
        : String.format(Locale.ROOT, "%.1f× faster", 1 / Math.max(ratio, 1e-9));
    return before + " → " + StepResult.human(q.after().orElseThrow().median()) + " (" + change
        + (q.planChanged() ? ", plan changed" : ", same plan") + ")" + (q.slower() ? " — SLOWER" : "");
  }

  static void text(TraceReport r, StringBuilder b) {
    if (r.queries().isEmpty()) {
      return;
    }
    b.append("Queries before → after the migration (median time):\n");
    for (QueryComparison q : r.queries()) {
      b.append("   ").append(q.query().name()).append(": ").append(summary(q)).append('\n');
      if (q.planChanged()) {
        b.append(indent("before", q.before().shape()));
        q.after().ifPresent(a -> b.append(indent("after", a.shape())));
      }
    }
  }

  private static String indent(String label, String shape) {
    StringBuilder b = new StringBuilder("     ").append(label).append(":\n");
    shape.lines().forEach(l -> b.append("       ").append(l).append('\n'));
    return b.toString();
  }

  static void markdown(TraceReport r, StringBuilder b) {
    if (r.queries().isEmpty()) {
      return;
    }
    b.append("\n#### Queries before and after\n\n| query | before → after | plan |\n|---|---|---|\n");
    for (QueryComparison q : r.queries()) {
      b.append("| ").append(cell(q.query().name())).append(" | ").append(cell(summary(q))).append(" | ")
          .append(q.planChanged() ? "changed" : "same").append(" |\n");
    }
    for (QueryComparison q : r.queries()) {
      if (q.planChanged()) {
        b.append("\n<details><summary>").append(cell(q.query().name())).append(": plans</summary>\n\n```\n-- before\n")
            .append(q.before().shape());
        q.after().ifPresent(a -> b.append("-- after\n").append(a.shape()));
        b.append("```\n\n</details>\n");
      }
    }
  }

  static void json(TraceReport r, ObjectNode root) {
    if (r.queries().isEmpty()) {
      return;
    }
    ArrayNode out = root.putArray("queries");
    for (QueryComparison q : r.queries()) {
      ObjectNode n = out.addObject();
      n.put("name", q.query().name());
      n.put("sql", q.query().sql());
      n.put("beforeMs", millis(q.before().median().toNanos()));
      n.put("beforePlan", q.before().shape());
      q.after().ifPresent(a -> {
        n.put("afterMs", millis(a.median().toNanos()));
        n.put("afterPlan", a.shape());
      });
      q.error().ifPresent(e -> n.put("error", e));
      n.put("planChanged", q.planChanged());
      n.put("slower", q.slower());
    }
  }

  static void html(TraceReport r, StringBuilder b) {
    if (r.queries().isEmpty()) {
      return;
    }
    b.append("<h2>Queries before and after</h2>\n<table><tr><th>query</th><th>before → after</th><th>plan before</th>"
        + "<th>plan after</th></tr>\n");
    for (QueryComparison q : r.queries()) {
      b.append("<tr").append(q.regressed() ? " class=\"failed\"" : "").append("><td>").append(esc(q.query().name()))
          .append("</td><td>").append(esc(summary(q))).append("</td><td><pre>").append(esc(q.before().shape()))
          .append("</pre></td><td><pre>").append(esc(q.after().map(a -> a.shape()).orElse(""))).append("</pre></td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
