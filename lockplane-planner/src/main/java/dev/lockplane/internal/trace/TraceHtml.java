package dev.lockplane.internal.trace;

import dev.lockplane.plan.LockMode;
import dev.lockplane.safety.Finding;
import dev.lockplane.safety.StepResult;
import dev.lockplane.safety.TableStatistics;
import dev.lockplane.trace.TraceReport;
import dev.lockplane.trace.TracedLock;
import dev.lockplane.trace.TracedStatement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The self-contained HTML page of a trace: an SVG lock timeline (a row per relation, a bar per lock,
 * coloured by mode, statements as bands) on the migration's own time axis — the statements back to
 * back, without the trace's pauses between them, which is also how hold times are counted — then
 * the statements and the findings. Its small script only links bands to table rows; it marks the
 * page {@code data-ready} when it ran and records any script error in {@code data-errors}.
 */
public final class TraceHtml {
  private TraceHtml() {}

  private static final int LEFT = 200;
  private static final int WIDTH = 900;
  private static final int ROW = 24;
  private static final int TOP = 40;

  private static final Map<LockMode, String> COLOURS = Map.of(
      LockMode.ACCESS_SHARE, "#c7e9c0", LockMode.ROW_SHARE, "#a1d99b", LockMode.ROW_EXCLUSIVE, "#74c476",
      LockMode.SHARE_UPDATE_EXCLUSIVE, "#fdd49e", LockMode.SHARE, "#fdae6b", LockMode.SHARE_ROW_EXCLUSIVE, "#f16913",
      LockMode.EXCLUSIVE, "#d94801", LockMode.ACCESS_EXCLUSIVE, "#a50f15");

  /**
   * Renders the page.
   *
   * @param r the report
   * @return the HTML
   */
  public static String render(TraceReport r) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Migration trace: ")
        .append(esc(r.source())).append("</title>\n<script>window.addEventListener('error', function (e) {"
            + " document.documentElement.setAttribute('data-errors', String(e.message)); });</script>\n<style>\n"
            + "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}\n"
            + "table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;"
            + "vertical-align:top}\ncode{font-size:12px}tr.hot td{background:#fff3c4}tr.failed td{background:#fde0dc}\n"
            + ".band{fill:#f4f4f4}.band.odd{fill:#e9e9e9}.band.failed{fill:#fde0dc}.band:hover{fill:#fff3c4}\n"
            + ".legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:12px;height:12px;"
            + "margin-right:4px;vertical-align:middle}\n</style></head>\n<body>\n");
    b.append("<h1>Migration trace: ").append(esc(r.source())).append("</h1>\n<p>PostgreSQL ").append(r.serverVersion())
        .append(", clone <code>").append(esc(r.cloneName())).append("</code>. <strong>").append(esc(verdict(r)))
        .append("</strong></p>\n");
    timeline(b, r);
    b.append("<p class=\"legend\">");
    for (LockMode m : LockMode.values()) {
      b.append("<span><i style=\"background:").append(COLOURS.get(m)).append("\"></i>").append(m.sqlName())
          .append("</span>");
    }
    b.append("</p>\n");
    statements(b, r);
    findings(b, r);
    QueryRendering.html(r, b);
    b.append("<script>(function () {\n"
        + "  var rows = document.querySelectorAll('tr[data-statement]');\n"
        + "  function mark(n, on) { rows.forEach(function (row) {\n"
        + "    if (row.getAttribute('data-statement') === n) { row.classList.toggle('hot', on); } }); }\n"
        + "  document.querySelectorAll('.band').forEach(function (band) {\n"
        + "    var n = band.getAttribute('data-statement');\n"
        + "    band.addEventListener('mouseenter', function () { mark(n, true); });\n"
        + "    band.addEventListener('mouseleave', function () { mark(n, false); });\n"
        + "  });\n"
        + "  document.documentElement.setAttribute('data-ready', 'true');\n"
        + "})();</script>\n</body></html>\n");
    return b.toString();
  }

  private static void timeline(StringBuilder b, TraceReport r) {
    long total = Math.max(1, r.statements().stream().mapToLong(s -> s.duration().toNanos()).sum());
    Map<String, Integer> rows = new TreeMap<>();
    r.statements().forEach(s -> s.locks().forEach(l -> rows.putIfAbsent(l.relation(), 0)));
    int i = 0;
    for (String rel : rows.keySet()) {
      rows.put(rel, i++);
    }
    int height = TOP + Math.max(1, rows.size()) * ROW + 30;
    b.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(LEFT + WIDTH + 20)
        .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"lock timeline\">\n");
    long at = 0;
    for (TracedStatement s : r.statements()) {
      double x = x(at, total);
      double w = Math.max(1, x(at + s.duration().toNanos(), total) - x);
      b.append("<rect class=\"band").append(s.number() % 2 == 1 ? " odd" : "").append(s.succeeded() ? "" : " failed")
          .append("\" data-statement=\"").append(s.number()).append("\" x=\"").append(f(x)).append("\" y=\"").append(TOP - 14)
          .append("\" width=\"").append(f(w)).append("\" height=\"").append(height - TOP - 16).append("\"><title>statement ")
          .append(s.number()).append(" (").append(esc(s.location())).append(", ").append(StepResult.human(s.duration()))
          .append("): ").append(esc(abbreviate(s.sql()))).append("</title></rect>\n");
      b.append("<text x=\"").append(f(x + 2)).append("\" y=\"").append(TOP - 18).append("\" font-size=\"10\">")
          .append(s.number()).append("</text>\n");
      at += s.duration().toNanos();
    }
    rows.forEach((rel, row) -> b.append("<text x=\"4\" y=\"").append(TOP + row * ROW + 15).append("\" font-size=\"12\">")
        .append(esc(rel)).append("</text>\n"));
    if (rows.isEmpty()) {
      b.append("<text x=\"").append(LEFT).append("\" y=\"").append(TOP + 15)
          .append("\" font-size=\"12\">no locks on relations that existed before the migration</text>\n");
    }
    at = 0;
    for (TracedStatement s : r.statements()) {
      for (TracedLock l : s.locks()) {
        long from = at + l.takenAfter().toNanos();
        double x = x(from, total);
        double w = Math.max(2, x(from + l.heldFor().toNanos(), total) - x);
        b.append("<rect class=\"lock\" x=\"").append(f(x)).append("\" y=\"").append(TOP + rows.get(l.relation()) * ROW + 3)
            .append("\" width=\"").append(f(Math.min(w, LEFT + WIDTH - x))).append("\" height=\"").append(ROW - 6)
            .append("\" fill=\"").append(COLOURS.get(l.mode())).append("\"><title>").append(l.mode().sqlName()).append(" on ")
            .append(esc(l.relation())).append(" for ").append(StepResult.human(l.heldFor())).append(", taken by statement ")
            .append(s.number()).append("; blocks ").append(String.join(", ", l.blocks())).append("</title></rect>\n");
      }
      at += s.duration().toNanos();
    }
    int axis = height - 12;
    for (int q = 0; q <= 4; q++) {
      double x = LEFT + WIDTH * q / 4.0;
      b.append("<text x=\"").append(f(x)).append("\" y=\"").append(axis).append("\" font-size=\"10\" text-anchor=\"")
          .append(q == 0 ? "start" : q == 4 ? "end" : "middle").append("\">")
          .append(StepResult.human(Duration.ofNanos(total * q / 4))).append("</text>\n");
    }
    b.append("</svg>\n");
  }

  private static void statements(StringBuilder b, TraceReport r) {
    b.append("<h2>Statements</h2>\n<table><tr><th>#</th><th>location</th><th>statement</th><th>tx</th><th>time</th>"
        + "<th>locks</th><th>rewrote</th><th>rows</th><th>WAL</th><th>findings</th></tr>\n");
    for (TracedStatement s : r.statements()) {
      b.append("<tr data-statement=\"").append(s.number()).append('"').append(s.succeeded() ? "" : " class=\"failed\"")
          .append("><td>").append(s.number()).append("</td><td><code>").append(esc(s.location())).append("</code></td><td><code>")
          .append(esc(abbreviate(s.sql()))).append("</code></td><td>").append(s.transaction()).append("</td><td>")
          .append(StepResult.human(s.duration())).append("</td><td>");
      for (TracedLock l : s.locks()) {
        b.append(l.mode().sqlName()).append(" on ").append(esc(l.relation())).append(" for ")
            .append(StepResult.human(l.heldFor())).append("<br>");
      }
      b.append("</td><td>").append(esc(String.join(", ", s.rewritten()))).append("</td><td>")
          .append(s.rowsAffected() > 0 ? Long.toString(s.rowsAffected()) : "").append("</td><td>")
          .append(TableStatistics.humanBytes(s.walBytes())).append("</td><td>")
          .append(esc(String.join(", ", s.ruleIds())));
      s.error().ifPresent(e -> b.append("<br><strong>error</strong>: ").append(esc(e)));
      TraceRenderer.loadLine(r, s).ifPresent(line -> b.append("<br>").append(esc(line)));
      b.append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void findings(StringBuilder b, TraceReport r) {
    if (!r.hasFindings()) {
      return;
    }
    b.append("<h2>Findings</h2>\n<ul>\n");
    for (TracedStatement s : r.statements()) {
      for (Finding f : s.findings()) {
        b.append("<li><strong>").append(esc(f.ruleId())).append("</strong> (").append(f.risk().name().toLowerCase(Locale.ROOT))
            .append(", statement ").append(s.number()).append(", <code>").append(esc(s.location())).append("</code>): ")
            .append(esc(f.message())).append(". <em>Instead:</em> ").append(esc(f.saferAlternative())).append("</li>\n");
      }
    }
    b.append("</ul>\n");
  }

  private static String verdict(TraceReport r) {
    int n = r.findings().size();
    return r.failure().map(s -> "Failed at statement " + s.number() + " (" + s.location() + ")")
        .orElse(r.statements().size() + " statements") + ", " + (n == 0 ? "no findings" : n + (n == 1 ? " finding" : " findings"))
        + QueryRendering.verdict(r);
  }

  private static double x(long nanos, long total) {
    return LEFT + WIDTH * (double) nanos / total;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String abbreviate(String sql) {
    String s = sql.strip().replaceAll("\\s+", " ");
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
