package dev.lockplane.plan;

import java.util.List;
import java.util.Objects;

/**
 * The risk report of one plan step, from the lock catalogue of the target's PostgreSQL version and
 * the target's statistics. In plan JSON the lock modes are written in PostgreSQL's words ({@code
 * ACCESS EXCLUSIVE}) and each relation lock as {@code ACCESS EXCLUSIVE on public.orders}.
 *
 * @param kinds the catalogue kinds of the step's statements ({@code DdlKind} names), in order; empty
 *     when the catalogue has no entry for the step (catalog-only changes such as comments or views)
 * @param risk the step's risk class: the highest among its statements
 * @param lock the strongest lock mode the step takes, or null when unknown
 * @param locks each relation lock, in order
 * @param effect what the step does to the table's files (the strongest among its statements)
 * @param estimate the size sentence from the target's statistics, such as {@code rewrites `public.orders`
 *     (≈ 12 M rows, 3.1 GB) under ACCESS EXCLUSIVE}; empty when not planned against a live database or
 *     when the step neither scans nor rewrites
 * @param findings the findings, in order
 * @param rewrittenFrom when the planner replaced the step by its safe form, the rule of the naive form
 *     (such as {@code create-index}); else empty
 */
public record StepRisk(
    List<String> kinds,
    RiskClass risk,
    LockMode lock,
    List<StepLock> locks,
    TableEffect effect,
    String estimate,
    List<StepFinding> findings,
    String rewrittenFrom) {
  /** Validates and copies the record. */
  public StepRisk {
    kinds = kinds == null ? List.of() : List.copyOf(kinds);
    Objects.requireNonNull(risk, "risk");
    locks = locks == null ? List.of() : List.copyOf(locks);
    effect = effect == null ? TableEffect.NONE : effect;
    estimate = estimate == null ? "" : estimate;
    findings = findings == null ? List.of() : List.copyOf(findings);
    rewrittenFrom = rewrittenFrom == null ? "" : rewrittenFrom;
  }
}
