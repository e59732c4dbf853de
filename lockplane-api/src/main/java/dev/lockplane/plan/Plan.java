package dev.lockplane.plan;

import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import java.util.List;
import java.util.Objects;

/**
 * A plan: the ordered steps that turn the source schema into the target schema, and the steps that
 * turn it back. A plan is a value; it can be stored as JSON, reviewed as text and applied later —
 * applying refuses a database whose schema hash is no longer {@link #sourceHash()}.
 *
 * <p>A plan carries a {@link #digest()} of what it runs, so that a plan file edited after it was
 * written (a changed statement, an added step) is refused by apply rather than run.
 *
 * @param dialect the dialect of the SQL
 * @param sourceHash the hash of the schema the plan starts from
 * @param targetHash the hash of the schema the plan produces
 * @param steps the forward steps, in order
 * @param rollbackSteps the steps of the reverse plan, in order
 * @param source the schema the plan starts from, used to name what changed when the hash differs
 * @param digest {@code sha256:} and 64 hex digits over the dialect, both hashes and every step (see
 *     {@link #computeDigest()}); null for a plan read from a file written before plans had a digest
 */
public record Plan(
    Dialect dialect,
    String sourceHash,
    String targetHash,
    List<Step> steps,
    List<Step> rollbackSteps,
    DatabaseSchema source,
    String digest) {

  /** Validates and copies the record; the digest is kept as given, even when it does not match. */
  public Plan {
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(sourceHash, "sourceHash");
    Objects.requireNonNull(targetHash, "targetHash");
    steps = steps == null ? List.of() : List.copyOf(steps);
    rollbackSteps = rollbackSteps == null ? List.of() : List.copyOf(rollbackSteps);
  }

  /**
   * Creates a plan with the digest of its content.
   *
   * @param dialect the dialect of the SQL
   * @param sourceHash the hash of the schema the plan starts from
   * @param targetHash the hash of the schema the plan produces
   * @param steps the forward steps, in order
   * @param rollbackSteps the steps of the reverse plan, in order
   * @param source the schema the plan starts from, or null
   */
  public Plan(Dialect dialect, String sourceHash, String targetHash, List<Step> steps, List<Step> rollbackSteps,
      DatabaseSchema source) {
    this(dialect, sourceHash, targetHash, steps, rollbackSteps, source,
        PlanDigest.of(dialect, sourceHash, targetHash, steps, rollbackSteps));
  }

  /**
   * Computes the digest of this plan's content as it is now: SHA-256 over a length-prefixed canonical
   * form of the dialect, the source and target hashes, and each forward and rollback step in order
   * (operation, description, objects, flags and every statement). The source model and the risk
   * reports are not covered: they inform a reviewer but are not run.
   *
   * @return {@code sha256:} and 64 hex digits
   */
  public String computeDigest() {
    return PlanDigest.of(dialect, sourceHash, targetHash, steps, rollbackSteps);
  }

  /** Returns whether the plan has no step: the database already has the target schema. */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** Returns whether applying the reverse plan restores the source schema including all data. */
  public boolean isReversible() {
    return steps.stream().allMatch(Step::reversible);
  }

  /** Returns whether a step destroys data. */
  public boolean isDestructive() {
    return steps.stream().anyMatch(Step::destructive);
  }

  /**
   * Returns the reverse plan: from the target schema back to the source schema. Its {@link
   * #source()} is null, so a hash mismatch on rollback is reported by hash only. Its digest is valid
   * only when this plan's is: the reverse of a plan without a digest has none, and the reverse of a
   * plan whose content no longer matches its digest keeps that digest, so that applying it is refused
   * as well.
   *
   * @return the reverse plan
   */
  public Plan reverse() {
    String reversed = digest == null || !digest.equals(computeDigest()) ? digest
        : PlanDigest.of(dialect, targetHash, sourceHash, rollbackSteps, steps);
    return new Plan(dialect, targetHash, sourceHash, rollbackSteps, steps, null, reversed);
  }

  /**
   * Returns the plan as readable text: one numbered block per step, with its SQL.
   *
   * @return the text
   */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append("-- Lockplane plan (").append(dialect.name().toLowerCase(java.util.Locale.ROOT))
        .append(")\n-- source ").append(sourceHash).append("\n-- target ").append(targetHash)
        .append('\n');
    if (source != null) {
      source.unmanaged().forEach(u -> b.append("-- not managed, left as it is: ").append(u).append('\n'));
    }
    if (steps.isEmpty()) {
      return b.append("-- no changes\n").toString();
    }
    int n = 1;
    for (Step s : steps) {
      b.append("\n-- ").append(n++).append(". ").append(s.description());
      if (s.destructive()) {
        b.append(" [destroys data]");
      }
      if (!s.reversible()) {
        b.append(" [rollback cannot restore data]");
      }
      if (!s.transactional()) {
        b.append(" [runs outside the transaction]");
      }
      b.append('\n');
      if (!s.objects().isEmpty()) {
        b.append("-- touches: ").append(String.join(", ", s.objects())).append('\n');
      }
      if (s.renamedFrom() != null) {
        b.append("-- lockplane: renamed from ").append(s.renamedFrom()).append('\n');
      }
      StepRisk r = s.risk();
      if (r != null) {
        b.append("-- risk: ").append(r.risk());
        if (r.lock() != null) {
          b.append(", ").append(r.lock().sqlName());
        }
        if (r.effect() != TableEffect.NONE) {
          b.append(", ").append(r.effect().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!r.rewrittenFrom().isEmpty()) {
          b.append(" (safe form of ").append(r.rewrittenFrom()).append(')');
        }
        b.append('\n');
        if (!r.estimate().isEmpty()) {
          b.append("-- estimate: ").append(r.estimate()).append('\n');
        }
        for (StepFinding f : r.findings()) {
          b.append("-- [").append(f.ruleId()).append("] ").append(f.message()).append('\n');
          if (!f.saferAlternative().isEmpty()) {
            b.append("--   safer: ").append(f.saferAlternative()).append('\n');
          }
        }
      }
      for (String sql : s.sql()) {
        b.append(sql).append(";\n");
      }
    }
    return b.toString();
  }
}
