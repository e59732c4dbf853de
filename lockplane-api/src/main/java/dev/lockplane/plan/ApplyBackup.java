package dev.lockplane.plan;

import dev.lockplane.schema.Dialect;
import java.util.Objects;

/**
 * Takes a backup of the database a plan is about to be applied to, before its first step runs, and
 * returns the backup's id, which the apply records in its history row next to the plan. A backup
 * repository provides one ({@code BackupRepository.beforeApply()} in {@code lockplane-backup}); the
 * planner calls it while it holds the apply lock, after the schema hash and data-loss checks passed.
 *
 * <pre>{@code
 * Planner planner = Lockplane.planner()
 *     .backupFirst(repo.beforeApply().credentials("app", password), ApplyBackup.When.RISKY)
 *     .build();
 * }</pre>
 *
 * <p>A backup that fails throws, and the apply stops before any step ran.
 */
@FunctionalInterface
public interface ApplyBackup {
  /**
   * Backs up the target.
   *
   * @param target the database about to be changed and the plan about to change it
   * @return the id of the backup, as its repository names it
   */
  String backUp(Target target);

  /** When an apply takes its backup. */
  enum When {
    /** Before every plan that has a step to run. */
    ALWAYS,
    /** Only before a plan with a step that destroys data or is lossy or dangerous. */
    RISKY;

    /**
     * Returns whether a plan needs a backup under this setting.
     *
     * @param plan the plan
     * @return true when the apply backs up first
     */
    public boolean appliesTo(Plan plan) {
      return !plan.isEmpty() && (this == ALWAYS || isRisky(plan));
    }

    /**
     * Returns whether a plan has a step that destroys data or whose risk class is lossy or dangerous.
     *
     * @param plan the plan
     * @return true when a step is risky
     */
    public static boolean isRisky(Plan plan) {
      return plan.steps().stream().anyMatch(s -> s.destructive() || s.risk() != null
          && (s.risk().risk() == RiskClass.LOSSY || s.risk().risk() == RiskClass.DANGEROUS));
    }
  }

  /**
   * The database an apply is about to change.
   *
   * @param dialect PostgreSQL or SQLite
   * @param jdbcUrl the JDBC URL of the apply's connection (as its driver reports it; never a password)
   * @param database the database name (PostgreSQL), or the file's path (SQLite)
   * @param schemaHash the database's schema hash now, which is the plan's source hash
   * @param plan the plan about to be applied
   */
  record Target(Dialect dialect, String jdbcUrl, String database, String schemaHash, Plan plan) {
    /** Validates the record. */
    public Target {
      Objects.requireNonNull(dialect, "dialect");
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(schemaHash, "schemaHash");
      Objects.requireNonNull(plan, "plan");
    }
  }
}
