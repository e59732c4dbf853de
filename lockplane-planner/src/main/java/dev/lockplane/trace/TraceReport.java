package dev.lockplane.trace;

import dev.lockplane.internal.trace.TraceHtml;
import dev.lockplane.internal.trace.TraceRenderer;
import dev.lockplane.safety.Finding;
import dev.lockplane.safety.ReportFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link MigrationTrace} observed: every statement that ran, up to and including a failing one.
 *
 * @param source what was traced, such as {@code SQL files db/migrate} or {@code Flyway filesystem:db/migration}
 * @param cloneName the name of the clone it ran on (destroyed since)
 * @param serverVersion the server's major version
 * @param statements the statements, in the order they ran
 * @param load what the migration did to a workload, when one ran ({@link MigrationTrace.Builder#load})
 * @param queries how the queries of a {@link QueryCheck} ran before and after the migration, when
 *     one was given ({@link MigrationTrace.Builder#queries}) and the migration succeeded
 */
public record TraceReport(String source, String cloneName, int serverVersion, List<TracedStatement> statements,
    Optional<LoadReport> load, List<QueryComparison> queries) {
  /** Validates and copies the components. */
  public TraceReport {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(cloneName, "cloneName");
    statements = List.copyOf(statements);
    Objects.requireNonNull(load, "load");
    queries = List.copyOf(queries);
  }

  /**
   * A report without query comparisons.
   *
   * @param source what was traced
   * @param cloneName the clone it ran on
   * @param serverVersion the server's major version
   * @param statements the statements, in the order they ran
   * @param load what the migration did to a workload, when one ran
   */
  public TraceReport(String source, String cloneName, int serverVersion, List<TracedStatement> statements,
      Optional<LoadReport> load) {
    this(source, cloneName, serverVersion, statements, load, List.of());
  }

  /** Returns the queries that got slower or fail after the migration. */
  public List<QueryComparison> regressions() {
    return queries.stream().filter(QueryComparison::regressed).toList();
  }

  /** Returns every finding, in statement order. */
  public List<Finding> findings() {
    return statements.stream().flatMap(s -> s.findings().stream()).toList();
  }

  /** Returns the rule ids of every finding, in statement order. */
  public List<String> ruleIds() {
    return findings().stream().map(Finding::ruleId).toList();
  }

  /** Returns whether any statement has a finding. */
  public boolean hasFindings() {
    return statements.stream().anyMatch(s -> !s.findings().isEmpty());
  }

  /** Returns the statement that failed, if the migration failed. */
  public Optional<TracedStatement> failure() {
    return statements.stream().filter(s -> !s.succeeded()).findFirst();
  }

  /** Returns whether the whole migration ran without error. */
  public boolean succeeded() {
    return failure().isEmpty();
  }

  /**
   * Renders the report: text for terminals, JSON (sorted keys) for machines, Markdown for pull requests.
   *
   * @param format the format
   * @return the rendered report, ending with a newline
   */
  public String render(ReportFormat format) {
    return TraceRenderer.render(this, Objects.requireNonNull(format, "format"));
  }

  /**
   * Renders a self-contained HTML page (no external resources): a lock timeline with one row per
   * relation and a bar per lock mode over the migration's time, statements marked, then the
   * statements and the findings. The time axis is the migration's own: the statements back to back,
   * without the trace's pauses between them.
   *
   * @return the page
   */
  public String renderHtml() {
    return TraceHtml.render(this);
  }
}
