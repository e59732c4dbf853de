package dev.lockplane.trace;

import dev.lockplane.safety.Finding;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One statement of a traced migration, with what was observed while it ran.
 *
 * @param number its position in the trace, from 1
 * @param location where it comes from: {@code file:line} for SQL files and Flyway scripts,
 *     {@code changelog::id::author} for Liquibase, {@code step N: description} for a plan
 * @param sql the statement as the server received it (placeholders resolved)
 * @param transaction the transaction it ran in, numbered from 1; statements of one explicit
 *     transaction share the number
 * @param duration how long the statement ran
 * @param locks the locks it took on relations that existed before the migration, sorted by relation
 * @param rewritten the tables, materialized views and indexes whose files it replaced, sorted
 * @param rowsAffected the row count of the command tag (0 for statements without one, such as DDL), or -1
 *     for a query that returned rows
 * @param walBytes the WAL written while it ran
 * @param findings the findings, in rule order, without ignored ones
 * @param ignored the identifiers of rules that fired but are ignored, by a comment or configuration
 * @param error the server's error with its SQLSTATE when it failed
 */
public record TracedStatement(
    int number,
    String location,
    String sql,
    int transaction,
    Duration duration,
    List<TracedLock> locks,
    List<String> rewritten,
    long rowsAffected,
    long walBytes,
    List<Finding> findings,
    List<String> ignored,
    Optional<String> error) {
  /** Validates and copies the components. */
  public TracedStatement {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(duration, "duration");
    locks = List.copyOf(locks);
    rewritten = List.copyOf(rewritten);
    findings = List.copyOf(findings);
    ignored = List.copyOf(ignored);
    Objects.requireNonNull(error, "error");
  }

  /** Returns whether the statement succeeded. */
  public boolean succeeded() {
    return error.isEmpty();
  }

  /** Returns the identifiers of this statement's findings. */
  public List<String> ruleIds() {
    return findings.stream().map(Finding::ruleId).toList();
  }
}
