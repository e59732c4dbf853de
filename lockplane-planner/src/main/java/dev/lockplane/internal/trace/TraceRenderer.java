package dev.lockplane.internal.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.safety.Finding;
import dev.lockplane.safety.ReportFormat;
import dev.lockplane.safety.StepResult;
import dev.lockplane.safety.TableStatistics;
import dev.lockplane.trace.TraceReport;
import dev.lockplane.trace.TracedLock;
import dev.lockplane.trace.TracedStatement;
import java.time.Duration;
import java.util.Locale;

/** Text, JSON and Markdown renderings of a trace report. */
public final class TraceRenderer {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private TraceRenderer() {}

  /**
   * Renders a report.
   *
   * @param r the report
   * @param format the format
   * @return the text, ending with a newline
   */
  public static String render(TraceReport r, ReportFormat format) {
    return switch (format) {
      case TEXT -> text(r);
      case JSON -> json(r);
      case MARKDOWN -> markdown(r);
    };
  }

  private static String verdict(TraceReport r) {
    long findings = r.findings().size();
    String f = findings == 0 ? "no findings" : findings + (findings == 1 ? " finding" : " findings");
    return r.failure().map(s -> "FAILED at statement " + s.number() + " (" + s.location() + "): " + s.error().get()
        + "; " + f).orElse(r.statements().size() + " statements traced, " + f + QueryRendering.verdict(r));
  }

  private static String text(TraceReport r) {
    StringBuilder b = new StringBuilder();
    b.append("Trace of ").append(r.source()).append(" on clone ").append(r.cloneName()).append(" (PostgreSQL ")
        .append(r.serverVersion()).append(")\n");
    r.load().ifPresent(l -> b.append("Workload: baseline ").append(l.baselineQueries()).append(" queries, p99 ")
        .append(StepResult.human(l.baselineP99())).append("; a query waited when a lock held it for at least ")
        .append(StepResult.human(l.threshold())).append('\n'));
    for (TracedStatement s : r.statements()) {
      b.append(s.number()).append(". ").append(s.location()).append("  [tx ").append(s.transaction()).append(", ")
          .append(StepResult.human(s.duration()));
      if (s.rowsAffected() > 0) {
        b.append(", ").append(s.rowsAffected()).append(" rows");
      }
      b.append(", ").append(TableStatistics.humanBytes(s.walBytes())).append(" WAL]\n");
      b.append("   ").append(oneLine(s.sql())).append('\n');
      for (TracedLock l : s.locks()) {
        b.append("   lock ").append(l.mode().sqlName()).append(" on ").append(l.relation()).append(" for ")
            .append(StepResult.human(l.heldFor())).append(" (blocks ").append(String.join(", ", l.blocks()))
            .append(l.observed() ? "" : "; from the lock catalogue").append(")\n");
      }
      loadLine(r, s).ifPresent(line -> b.append("   ").append(line).append('\n'));
      if (!s.rewritten().isEmpty()) {
        b.append("   rewrote ").append(String.join(", ", s.rewritten())).append('\n');
      }
      for (Finding f : s.findings()) {
        b.append("   ").append(f.ruleId()).append(" [").append(f.risk().name().toLowerCase(Locale.ROOT)).append("] ")
            .append(f.message()).append("\n     instead: ").append(f.saferAlternative()).append('\n');
      }
      if (!s.ignored().isEmpty()) {
        b.append("   ignored: ").append(String.join(", ", s.ignored())).append('\n');
      }
      s.error().ifPresent(e -> b.append("   ERROR ").append(e).append('\n'));
    }
    QueryRendering.text(r, b);
    return b.append(verdict(r)).append('\n').toString();
  }

  private static String markdown(TraceReport r) {
    StringBuilder b = new StringBuilder();
    b.append("### Migration trace: ").append(r.source()).append("\n\n");
    b.append("PostgreSQL ").append(r.serverVersion()).append(", clone `").append(r.cloneName()).append("`. **")
        .append(verdict(r)).append("**\n\n");
    b.append("| # | location | statement | time | strongest lock | rewrote | WAL | findings |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (TracedStatement s : r.statements()) {
      String lock = s.locks().stream().max((x, y) -> x.mode().compareTo(y.mode()))
          .map(l -> l.mode().sqlName() + " on " + l.relation() + " for " + StepResult.human(l.heldFor())).orElse("");
      String findings = String.join(", ", s.ruleIds().stream().map(id -> "`" + id + "`").toList())
          + s.error().map(e -> " **error**: " + cell(e)).orElse("");
      b.append("| ").append(s.number()).append(" | `").append(cell(s.location())).append("` | `")
          .append(cell(abbreviate(oneLine(s.sql())))).append("` | ").append(StepResult.human(s.duration())).append(" | ")
          .append(lock).append(" | ").append(String.join(", ", s.rewritten())).append(" | ")
          .append(TableStatistics.humanBytes(s.walBytes())).append(" | ").append(findings).append(" |\n");
    }
    if (r.load().isPresent()) {
      b.append("\n#### Workload\n\nBaseline: ").append(r.load().get().baselineQueries()).append(" queries, p99 ")
          .append(StepResult.human(r.load().get().baselineP99())).append(".\n\n");
      for (TracedStatement s : r.statements()) {
        loadLine(r, s).ifPresent(line -> b.append("- statement ").append(s.number()).append(" (`")
            .append(cell(s.location())).append("`): ").append(line).append('\n'));
      }
    }
    boolean any = false;
    for (TracedStatement s : r.statements()) {
      for (Finding f : s.findings()) {
        if (!any) {
          b.append("\n#### Findings\n\n");
          any = true;
        }
        b.append("- **").append(f.ruleId()).append("** (statement ").append(s.number()).append(", `")
            .append(cell(s.location())).append("`): ").append(f.message()).append(". *Instead:* ")
            .append(f.saferAlternative()).append('\n');
      }
    }
    QueryRendering.markdown(r, b);
    return b.toString();
  }

  private static String json(TraceReport r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("source", r.source());
    root.put("clone", r.cloneName());
    root.put("serverVersion", r.serverVersion());
    root.put("succeeded", r.succeeded());
    root.put("findings", r.findings().size());
    r.load().ifPresent(l -> {
      ObjectNode ln = root.putObject("load");
      ln.put("baselineQueries", l.baselineQueries());
      ln.put("baselineP99Ms", millis(l.baselineP99()));
      ln.put("thresholdMs", millis(l.threshold()));
      ln.put("waited", l.waited());
    });
    ArrayNode statements = root.putArray("statements");
    for (TracedStatement s : r.statements()) {
      ObjectNode n = statements.addObject();
      n.put("number", s.number());
      n.put("location", s.location());
      n.put("sql", s.sql());
      n.put("transaction", s.transaction());
      n.put("durationMs", millis(s.duration()));
      n.put("rowsAffected", s.rowsAffected());
      n.put("walBytes", s.walBytes());
      ArrayNode locks = n.putArray("locks");
      for (TracedLock l : s.locks()) {
        ObjectNode ln = locks.addObject();
        ln.put("relation", l.relation());
        ln.put("mode", l.mode().sqlName());
        ln.put("heldMs", millis(l.heldFor()));
        ln.put("takenAfterMs", millis(l.takenAfter()));
        ln.put("observed", l.observed());
        l.blocks().forEach(ln.putArray("blocks")::add);
      }
      s.rewritten().forEach(n.putArray("rewritten")::add);
      ArrayNode findings = n.putArray("findings");
      for (Finding f : s.findings()) {
        ObjectNode fn = findings.addObject();
        fn.put("rule", f.ruleId());
        fn.put("risk", f.risk().name().toLowerCase(Locale.ROOT));
        fn.put("message", f.message());
        fn.put("saferAlternative", f.saferAlternative());
      }
      s.ignored().forEach(n.putArray("ignored")::add);
      s.error().ifPresent(e -> n.put("error", e));
      r.load().map(l -> l.statements().get(s.number())).ifPresent(i -> {
        ObjectNode ln = n.putObject("load");
        ln.put("queries", i.queries());
        ln.put("waited", i.waited());
        ln.put("failed", i.failed());
        ln.put("p50Ms", millis(i.p50()));
        ln.put("p99Ms", millis(i.p99()));
        ln.put("maxMs", millis(i.max()));
      });
    }
    QueryRendering.json(r, root);
    try {
      return JSON.writeValueAsString(JSON.treeToValue(root, java.util.Map.class)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a trace report could not be written as JSON", e);
    }
  }

  /** One sentence on what a statement did to the workload, when one ran. */
  static java.util.Optional<String> loadLine(TraceReport r, TracedStatement s) {
    return r.load().map(l -> l.statements().get(s.number())).map(i -> {
      String line = "load: " + i.waited() + " of " + i.queries() + " queries waited on its locks";
      if (i.waited() > 0) {
        line += " (p50 " + StepResult.human(i.p50()) + ", p99 " + StepResult.human(i.p99()) + ", max "
            + StepResult.human(i.max()) + ")";
      }
      return i.failed() > 0 ? line + ", " + i.failed() + " failed" : line;
    });
  }

  private static double millis(Duration d) {
    return Math.round(d.toNanos() / 1_000.0) / 1_000.0;
  }

  private static String oneLine(String sql) {
    return sql.strip().replaceAll("\\s+", " ");
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("`", "'").replace("\n", " ");
  }
}
