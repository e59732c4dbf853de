package dev.lockplane.internal.safety;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockplane.safety.LockHold;
import dev.lockplane.safety.StepResult;
import dev.lockplane.safety.TableStatistics;
import dev.lockplane.safety.ValidationReport;
import java.util.List;

/** Text, JSON and Markdown renderings of a validation report. */
public final class ReportRenderer {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ReportRenderer() {}

  private static String verdict(ValidationReport r) {
    if (!r.stepsSucceeded()) {
      return "FAILED: a step failed; the rollback was not attempted";
    }
    if (r.rollbackRestoresSchema()) {
      return "PASSED: all steps succeeded and the rollback restores the source schema";
    }
    return r.rollback().stream().allMatch(StepResult::succeeded)
        ? "FAILED: the rollback does not restore the source schema (fingerprint differs)"
        : "FAILED: a rollback step failed";
  }

  /**
   * Renders for a terminal.
   *
   * @param r the report
   * @return the text
   */
  public static String text(ValidationReport r) {
    StringBuilder b = new StringBuilder();
    b.append("Shadow validation on clone ").append(r.cloneName()).append(" (PostgreSQL ").append(r.serverVersion())
        .append(")\n");
    section(b, "steps", r.steps());
    section(b, "rollback", r.rollback());
    b.append(verdict(r)).append('\n');
    return b.toString();
  }

  private static void section(StringBuilder b, String title, List<StepResult> results) {
    if (results.isEmpty()) {
      return;
    }
    b.append(title).append(":\n");
    for (StepResult s : results) {
      b.append("  ").append(s.summary()).append('\n');
      b.append("    ").append(s.step().sql().strip().replace("\n", "\n    ")).append('\n');
      for (LockHold l : s.locks()) {
        b.append("    lock ").append(l.mode().sqlName()).append(" on ").append(l.relation()).append(" for ")
            .append(StepResult.human(l.heldFor())).append('\n');
      }
    }
  }

  /**
   * Renders for machines: sorted keys, durations in milliseconds.
   *
   * @param r the report
   * @return the JSON
   */
  public static String json(ValidationReport r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("clone", r.cloneName());
    root.put("serverVersion", r.serverVersion());
    root.put("passed", r.passed());
    root.put("sourceFingerprint", r.sourceFingerprint());
    root.put("rolledBackFingerprint", r.rolledBackFingerprint().orElse(null));
    root.put("rollbackRestoresSchema", r.rollbackRestoresSchema());
    root.set("steps", steps(r.steps()));
    root.set("rollback", steps(r.rollback()));
    try {
      // Jackson sorts map keys, not object fields: go through a map to sort every level.
      Object tree = JSON.treeToValue(root, Object.class);
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ArrayNode steps(List<StepResult> results) {
    ArrayNode a = JSON.createArrayNode();
    for (StepResult s : results) {
      ObjectNode o = a.addObject();
      o.put("number", s.number());
      o.put("sql", s.step().sql());
      o.put("description", s.step().description());
      o.put("transactional", s.step().transactional());
      o.put("wallTimeMillis", s.wallTime().toNanos() / 1e6);
      o.put("rowsAffected", s.rowsAffected());
      o.put("walBytes", s.walBytes());
      o.put("error", s.error().orElse(null));
      ArrayNode rw = o.putArray("rewritten");
      s.rewritten().forEach(rw::add);
      ArrayNode locks = o.putArray("locks");
      for (LockHold l : s.locks()) {
        ObjectNode lo = locks.addObject();
        lo.put("relation", l.relation());
        lo.put("mode", l.mode().sqlName());
        lo.put("heldMillis", l.heldFor().toNanos() / 1e6);
      }
      o.put("summary", s.summary());
    }
    return a;
  }

  /**
   * Renders for a pull-request comment.
   *
   * @param r the report
   * @return the Markdown
   */
  public static String markdown(ValidationReport r) {
    StringBuilder b = new StringBuilder();
    b.append("### Shadow validation: ").append(r.passed() ? "passed" : "failed").append("\n\n");
    b.append("Clone `").append(r.cloneName()).append("`, PostgreSQL ").append(r.serverVersion()).append(". ")
        .append(verdict(r)).append(".\n\n");
    table(b, "Steps", r.steps());
    table(b, "Rollback", r.rollback());
    return b.toString();
  }

  private static void table(StringBuilder b, String title, List<StepResult> results) {
    if (results.isEmpty()) {
      return;
    }
    b.append("#### ").append(title).append("\n\n");
    b.append("| # | statement | time | strongest lock | held | rewrote | WAL | result |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (StepResult s : results) {
      b.append("| ").append(s.number()).append(" | `").append(cell(s.step().sql())).append("` | ")
          .append(StepResult.human(s.wallTime())).append(" | ")
          .append(s.strongestLock().map(l -> l.mode().sqlName() + " on " + l.relation()).orElse("—")).append(" | ")
          .append(s.strongestLock().map(l -> StepResult.human(l.heldFor())).orElse("—")).append(" | ")
          .append(s.rewritten().isEmpty() ? "—" : String.join(", ", s.rewritten())).append(" | ")
          .append(TableStatistics.humanBytes(s.walBytes())).append(" | ")
          .append(s.error().map(e -> "❌ " + cell(e)).orElse("ok")).append(" |\n");
    }
    b.append('\n');
  }

  private static String cell(String text) {
    return text.strip().replace("\n", " ").replace("|", "\\|").replace("`", "'");
  }
}
