package dev.lockplane.trace;

import dev.lockplane.plan.RiskClass;
import java.util.Arrays;
import java.util.Optional;

/**
 * The rules a {@link MigrationTrace} applies to what it observed. Each is decided from the locks the
 * migration's backend held, the tables whose files were replaced (relfilenode) and the catalog before
 * and after each statement, never from the statement's text. The {@link #id()} is stable: it names the
 * rule in findings, in {@code -- lockplane:ignore RULE_ID} comments and in ignore lists.
 */
public enum TraceRule {
  /** ACCESS EXCLUSIVE held while the table is rewritten (a change with no more specific rule). */
  TABLE_REWRITE("table-rewrite", RiskClass.DANGEROUS,
      "the table was rewritten under ACCESS EXCLUSIVE: reads and writes wait for the whole copy",
      "add a nullable column and backfill it in batches, or build a new table and switch to it"),
  /** A column type change that rewrote the table. */
  COLUMN_TYPE_REWRITE("column-type-rewrite", RiskClass.DANGEROUS,
      "the column type change rewrote the table under ACCESS EXCLUSIVE",
      "add a column of the new type, backfill it in batches, switch readers and writers, then drop the old one"),
  /** A column added with a volatile default, which rewrote the table. */
  ADD_COLUMN_VOLATILE_DEFAULT("add-column-volatile-default", RiskClass.DANGEROUS,
      "the column was added with a volatile default, which rewrote the table under ACCESS EXCLUSIVE",
      "add the column without a default, SET DEFAULT for new rows, then backfill existing rows in batches"),
  /** SET NOT NULL checked every row under ACCESS EXCLUSIVE. */
  SET_NOT_NULL_UNDER_LOCK("set-not-null-under-lock", RiskClass.REVIEW,
      "SET NOT NULL scanned the table under ACCESS EXCLUSIVE (no valid CHECK (c IS NOT NULL) proved it)",
      "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; then SET NOT NULL (no scan) and DROP CONSTRAINT c"),
  /** A foreign key validated while adding it. */
  ADD_FOREIGN_KEY_VALIDATED("add-foreign-key-validated", RiskClass.REVIEW,
      "the foreign key was validated while adding it: both tables were locked against writes for the whole scan",
      "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a separate transaction"),
  /** A check constraint validated while adding it. */
  ADD_CHECK_VALIDATED("add-check-validated", RiskClass.REVIEW,
      "the check constraint was validated while adding it: the table was locked (ACCESS EXCLUSIVE) for the whole scan",
      "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a separate transaction"),
  /** An index built without CONCURRENTLY. */
  CREATE_INDEX_BLOCKING("create-index-blocking", RiskClass.REVIEW,
      "the index was built under a lock that blocks writes for the whole build",
      "CREATE INDEX CONCURRENTLY, outside a transaction block"),
  /** An index dropped without CONCURRENTLY. */
  DROP_INDEX_BLOCKING("drop-index-blocking", RiskClass.REVIEW,
      "the index was dropped under ACCESS EXCLUSIVE on its table, which waits for every running query",
      "DROP INDEX CONCURRENTLY, outside a transaction block"),
  /** An index rebuilt without CONCURRENTLY. */
  REINDEX_BLOCKING("reindex-blocking", RiskClass.REVIEW,
      "the index was rebuilt under a lock that blocks writes (and reads using the index)",
      "REINDEX INDEX CONCURRENTLY, outside a transaction block"),
  /** A unique or primary key constraint whose index was built under a strong lock. */
  UNIQUE_BUILT_UNDER_LOCK("unique-built-under-lock", RiskClass.REVIEW,
      "the unique or primary key constraint built its index under ACCESS EXCLUSIVE",
      "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE / PRIMARY KEY USING INDEX"),
  /** VACUUM FULL or CLUSTER: a rewrite without a schema change. */
  VACUUM_FULL_OR_CLUSTER("vacuum-full-or-cluster", RiskClass.DANGEROUS,
      "the table was rewritten without a schema change (VACUUM FULL or CLUSTER) under ACCESS EXCLUSIVE",
      "plain VACUUM, or an online repack (pg_repack, pg_squeeze) that holds ACCESS EXCLUSIVE only briefly"),
  /** TRUNCATE of a table with rows. */
  TRUNCATE("truncate", RiskClass.LOSSY,
      "the table was emptied under ACCESS EXCLUSIVE",
      "DELETE in batches (… WHERE id IN (SELECT id … LIMIT n)), or swap in a new table"),
  /** REFRESH MATERIALIZED VIEW without CONCURRENTLY. */
  REFRESH_MATERIALIZED_VIEW_BLOCKING("refresh-materialized-view-blocking", RiskClass.REVIEW,
      "the materialized view was rebuilt under ACCESS EXCLUSIVE: reads of it wait",
      "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)"),
  /** A table, view or materialized view renamed. */
  RENAME_TABLE("rename-table", RiskClass.MULTI_PHASE,
      "a relation was renamed: running code that uses the old name fails at once",
      "create the new name beside the old (a view, or a new table kept in sync), move the code, then drop the old name"),
  /** A column renamed. */
  RENAME_COLUMN("rename-column", RiskClass.MULTI_PHASE,
      "a column was renamed: running code that uses the old name fails at once",
      "add the new column, write both and backfill, move readers, then drop the old column (expand/contract)"),
  /** A table dropped. */
  DROP_TABLE("drop-table", RiskClass.LOSSY,
      "a table was dropped: its data is gone and running code that uses it fails",
      "stop using it in a release first; keep a backup or rename it aside and drop it later"),
  /** A column dropped. */
  DROP_COLUMN("drop-column", RiskClass.LOSSY,
      "a column was dropped: its data is gone and running code that selects it fails",
      "stop reading and writing it in a release first (and remove it from ORM mappings), then drop it"),
  /** CONCURRENTLY (or another statement that refuses a transaction block) run inside one. */
  CONCURRENTLY_IN_TRANSACTION("concurrently-in-transaction", RiskClass.DANGEROUS,
      "the statement cannot run inside a transaction block, and the migration ran it inside one (it failed)",
      "run it as its own migration outside a transaction (Flyway: a migration with only that statement; "
          + "Liquibase: runInTransaction=\"false\"; SQL: outside BEGIN … COMMIT)"),
  /** Several tables locked strongly by different statements of one transaction. */
  SEVERAL_TABLES_LOCKED("several-tables-locked", RiskClass.REVIEW,
      "one transaction holds write-blocking locks on several tables, taken by different statements: "
          + "each waits for the others' traffic and the chance of a deadlock grows",
      "change one table per transaction"),
  /** A strong lock taken while lock_timeout is 0. */
  LOCK_TIMEOUT_MISSING("lock-timeout-missing", RiskClass.REVIEW,
      "a write-blocking lock was requested without lock_timeout: queued behind a long query it would block all traffic",
      "SET lock_timeout = '2s' (and retry) before statements that take strong locks"),
  /** A strong lock kept while a later statement of the same transaction runs slowly. */
  LOCK_HELD_ACROSS_SLOW_STATEMENT("lock-held-across-slow-statement", RiskClass.REVIEW,
      "a write-blocking lock taken earlier in the transaction stayed held while this slow statement ran",
      "commit after the statement that takes the lock, and run slow work (backfills, scans) in other transactions");

  private final String id;
  private final RiskClass risk;
  private final String description;
  private final String saferAlternative;

  TraceRule(String id, RiskClass risk, String description, String saferAlternative) {
    this.id = id;
    this.risk = risk;
    this.description = description;
    this.saferAlternative = saferAlternative;
  }

  /** Returns the stable identifier, such as {@code create-index-blocking}. */
  public String id() {
    return id;
  }

  /** Returns the risk class of a finding of this rule. */
  public RiskClass risk() {
    return risk;
  }

  /** Returns what a finding of this rule means, in one sentence. */
  public String description() {
    return description;
  }

  /** Returns how to get the same result safely. */
  public String saferAlternative() {
    return saferAlternative;
  }

  /**
   * Finds a rule by its identifier.
   *
   * @param id such as {@code truncate}
   * @return the rule, or empty for an unknown identifier
   */
  public static Optional<TraceRule> byId(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
  }
}
