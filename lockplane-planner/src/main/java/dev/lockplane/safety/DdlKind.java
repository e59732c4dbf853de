package dev.lockplane.safety;

/**
 * The kinds of schema-changing statement the lock catalogue knows. A planner operation maps to one
 * kind (or to several, for a multi-step rewrite); the catalogue gives each kind's locks and risk.
 */
public enum DdlKind {
  /** {@code ADD COLUMN c int} (nullable, no default). */
  ADD_COLUMN_NULLABLE,
  /** {@code ADD COLUMN c int DEFAULT 0} (a constant default: stored in the catalog, no rewrite). */
  ADD_COLUMN_CONSTANT_DEFAULT,
  /** {@code ADD COLUMN c float8 DEFAULT random()} (a volatile default: evaluated per row, rewrite). */
  ADD_COLUMN_VOLATILE_DEFAULT,
  /** {@code ADD COLUMN c int GENERATED ALWAYS AS IDENTITY}. */
  ADD_COLUMN_IDENTITY,
  /** {@code ADD COLUMN c serial}. */
  ADD_COLUMN_SERIAL,
  /** {@code ADD COLUMN c int GENERATED ALWAYS AS (expr) STORED}. */
  ADD_COLUMN_STORED_GENERATED,
  /** {@code ADD COLUMN c int GENERATED ALWAYS AS (expr) VIRTUAL} (PostgreSQL 18 and later). */
  ADD_COLUMN_VIRTUAL_GENERATED,
  /** {@code ADD COLUMN c int NOT NULL} without a default, on a table with rows. */
  ADD_COLUMN_NOT_NULL_NO_DEFAULT,
  /** {@code DROP COLUMN}. */
  DROP_COLUMN,
  /** {@code DROP TABLE} of a table that has a foreign key to another. */
  DROP_TABLE,
  /** {@code ALTER COLUMN TYPE} that rewrites the table (e.g. int to bigint). */
  ALTER_COLUMN_TYPE_REWRITE,
  /** {@code ALTER COLUMN TYPE varchar(m)} from {@code varchar(n)}, m &gt; n (binary compatible). */
  ALTER_COLUMN_TYPE_VARCHAR_WIDEN,
  /** {@code ALTER COLUMN TYPE text} from {@code varchar(n)} (binary compatible). */
  ALTER_COLUMN_TYPE_VARCHAR_TO_TEXT,
  /** {@code ALTER COLUMN SET NOT NULL} with no constraint that proves it. */
  SET_NOT_NULL,
  /** {@code ALTER COLUMN SET NOT NULL} when a validated {@code CHECK (c IS NOT NULL)} exists. */
  SET_NOT_NULL_WITH_VALID_CHECK,
  /** {@code ADD CONSTRAINT … CHECK (…)}. */
  ADD_CHECK,
  /** {@code ADD CONSTRAINT … CHECK (…) NOT VALID}. */
  ADD_CHECK_NOT_VALID,
  /** {@code VALIDATE CONSTRAINT} of a check constraint. */
  VALIDATE_CHECK,
  /** {@code ADD CONSTRAINT … FOREIGN KEY … REFERENCES …}. */
  ADD_FOREIGN_KEY,
  /** {@code ADD CONSTRAINT … FOREIGN KEY … NOT VALID}. */
  ADD_FOREIGN_KEY_NOT_VALID,
  /** {@code VALIDATE CONSTRAINT} of a foreign key. */
  VALIDATE_FOREIGN_KEY,
  /** {@code ADD CONSTRAINT … UNIQUE (…)}. */
  ADD_UNIQUE,
  /** {@code ADD CONSTRAINT … PRIMARY KEY (…)}. */
  ADD_PRIMARY_KEY,
  /** {@code ADD CONSTRAINT … UNIQUE USING INDEX …} over an existing valid unique index. */
  ADD_UNIQUE_USING_INDEX,
  /** {@code ADD CONSTRAINT … PRIMARY KEY USING INDEX …} over a unique index on NOT NULL columns. */
  ADD_PRIMARY_KEY_USING_INDEX,
  /** {@code CREATE INDEX}. */
  CREATE_INDEX,
  /** {@code CREATE INDEX CONCURRENTLY}. */
  CREATE_INDEX_CONCURRENTLY,
  /** {@code DROP INDEX}. */
  DROP_INDEX,
  /** {@code DROP INDEX CONCURRENTLY}. */
  DROP_INDEX_CONCURRENTLY,
  /** {@code REINDEX INDEX}. */
  REINDEX,
  /** {@code REINDEX INDEX CONCURRENTLY}. */
  REINDEX_CONCURRENTLY,
  /** {@code ALTER TABLE … RENAME TO}. */
  RENAME_TABLE,
  /** {@code ALTER TABLE … RENAME COLUMN}. */
  RENAME_COLUMN,
  /** {@code ALTER TYPE … ADD VALUE}. */
  ADD_ENUM_VALUE,
  /**
   * Removing an enum value, which PostgreSQL has no statement for: the column is moved to a new type
   * with {@code ALTER COLUMN TYPE new USING c::text::new}; this kind describes that statement.
   */
  REMOVE_ENUM_VALUE,
  /**
   * {@code ALTER DOMAIN … ADD CONSTRAINT … CHECK (…)} on a domain that columns use: every using
   * column's values are checked.
   */
  ALTER_DOMAIN_ADD_CHECK,
  /** {@code ALTER DOMAIN … ADD CONSTRAINT … CHECK (…) NOT VALID}: new values only. */
  ALTER_DOMAIN_ADD_CHECK_NOT_VALID,
  /** {@code ALTER DOMAIN … VALIDATE CONSTRAINT} on a domain that columns use. */
  VALIDATE_DOMAIN_CHECK,
  /** {@code ALTER DOMAIN … SET NOT NULL} on a domain that columns use. */
  ALTER_DOMAIN_SET_NOT_NULL,
  /** {@code ALTER TABLE parent ATTACH PARTITION p FOR VALUES …}. */
  ATTACH_PARTITION,
  /** {@code ALTER TABLE parent DETACH PARTITION p}. */
  DETACH_PARTITION,
  /** {@code ALTER TABLE parent DETACH PARTITION p CONCURRENTLY} (PostgreSQL 14 and later). */
  DETACH_PARTITION_CONCURRENTLY,
  /** {@code CREATE TRIGGER}. */
  CREATE_TRIGGER,
  /** {@code ALTER TABLE … ENABLE ROW LEVEL SECURITY}. */
  ENABLE_ROW_LEVEL_SECURITY,
  /** {@code CREATE POLICY}. */
  CREATE_POLICY,
  /** {@code VACUUM FULL}. */
  VACUUM_FULL,
  /** {@code CLUSTER table USING index}. */
  CLUSTER,
  /** {@code TRUNCATE}. */
  TRUNCATE,
  /** {@code REFRESH MATERIALIZED VIEW}. */
  REFRESH_MATERIALIZED_VIEW,
  /** {@code REFRESH MATERIALIZED VIEW CONCURRENTLY} (needs a unique index on the view). */
  REFRESH_MATERIALIZED_VIEW_CONCURRENTLY
}
