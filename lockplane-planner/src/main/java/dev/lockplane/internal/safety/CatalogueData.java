package dev.lockplane.internal.safety;

import static dev.lockplane.plan.LockMode.ACCESS_EXCLUSIVE;
import static dev.lockplane.plan.LockMode.ACCESS_SHARE;
import static dev.lockplane.plan.LockMode.EXCLUSIVE;
import static dev.lockplane.plan.LockMode.SHARE;
import static dev.lockplane.plan.LockMode.SHARE_ROW_EXCLUSIVE;
import static dev.lockplane.plan.LockMode.SHARE_UPDATE_EXCLUSIVE;
import static dev.lockplane.plan.RiskClass.DANGEROUS;
import static dev.lockplane.plan.RiskClass.LOSSY;
import static dev.lockplane.plan.RiskClass.MULTI_PHASE;
import static dev.lockplane.plan.RiskClass.REVIEW;
import static dev.lockplane.plan.RiskClass.SAFE;
import static dev.lockplane.plan.TableEffect.NONE;
import static dev.lockplane.plan.TableEffect.REWRITE;
import static dev.lockplane.plan.TableEffect.SCAN;
import static dev.lockplane.plan.TableEffect.TRUNCATE;

import dev.lockplane.plan.LockMode;
import dev.lockplane.plan.RiskClass;
import dev.lockplane.plan.TableEffect;
import dev.lockplane.safety.CatalogueEntry;
import dev.lockplane.safety.DdlKind;
import dev.lockplane.safety.RelationLock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The lock catalogue's data. Every lock mode here is checked by {@code LockExperimentsTest}, which
 * runs each example on real servers and reads {@code pg_locks}; change a mode only with that test.
 */
public final class CatalogueData {
  /** The oldest major version the catalogue describes. */
  public static final int OLDEST = 13;

  private CatalogueData() {}

  private record Row(int since, CatalogueEntry entry) {}

  private static final Map<DdlKind, List<Row>> ROWS = build();

  /**
   * Returns the entries that apply to a major version, in {@link DdlKind} order.
   *
   * @param major the server's major version
   * @return the entries; kinds the version cannot run are absent
   */
  public static Map<DdlKind, CatalogueEntry> forVersion(int major) {
    Map<DdlKind, CatalogueEntry> out = new EnumMap<>(DdlKind.class);
    ROWS.forEach((kind, rows) -> {
      CatalogueEntry best = null;
      int bestSince = -1;
      for (Row r : rows) {
        if (r.since() <= major && r.since() > bestSince) {
          best = r.entry();
          bestSince = r.since();
        }
      }
      if (best != null) {
        out.put(kind, best);
      }
    });
    return out;
  }

  /**
   * Returns the first major version that runs a kind.
   *
   * @param kind the kind
   * @return the version
   */
  public static int since(DdlKind kind) {
    return ROWS.get(kind).stream().mapToInt(Row::since).min().orElseThrow();
  }

  private static final class Table {
    final Map<DdlKind, List<Row>> rows = new EnumMap<>(DdlKind.class);

    void add(int since, DdlKind kind, String rule, TableEffect effect, boolean tx, RiskClass risk,
        String message, String alternative, String example, Object... roleModes) {
      List<RelationLock> locks = new ArrayList<>();
      for (int i = 0; i < roleModes.length; i += 2) {
        locks.add(new RelationLock((String) roleModes[i], (LockMode) roleModes[i + 1]));
      }
      rows.computeIfAbsent(kind, k -> new ArrayList<>())
          .add(new Row(since, new CatalogueEntry(kind, rule, locks, effect, tx, risk, message, alternative, example)));
    }
  }

  private static final String BACKFILL = "add the column without a default (or with a constant one), then fill it in"
      + " batches by key range, then set the default";

  @SuppressWarnings("MethodLength")
  private static Map<DdlKind, List<Row>> build() {
    Table t = new Table();
    t.add(13, DdlKind.ADD_COLUMN_NULLABLE, "add-column", NONE, true, SAFE,
        "Adds a nullable column without a default: a catalog change under a brief ACCESS EXCLUSIVE lock.", "",
        "ALTER TABLE orders ADD COLUMN extra int", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_COLUMN_CONSTANT_DEFAULT, "add-column-constant-default", NONE, true, SAFE,
        "Adds a column with a constant default: the default is stored in the catalog, existing rows are not rewritten.",
        "", "ALTER TABLE orders ADD COLUMN extra int DEFAULT 0", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_COLUMN_VOLATILE_DEFAULT, "add-column-volatile-default", REWRITE, true, DANGEROUS,
        "A volatile default is evaluated for every existing row: the table is rewritten under ACCESS EXCLUSIVE,"
            + " blocking reads and writes for the whole rewrite.", BACKFILL,
        "ALTER TABLE orders ADD COLUMN extra float8 DEFAULT random()", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_COLUMN_IDENTITY, "add-column-identity", REWRITE, true, DANGEROUS,
        "An identity column draws a sequence value for every existing row: the table is rewritten under ACCESS EXCLUSIVE.",
        "add a nullable bigint column, backfill it in batches from a sequence, then SET NOT NULL through a validated"
            + " CHECK and attach the sequence as the column's default",
        "ALTER TABLE orders ADD COLUMN extra bigint GENERATED ALWAYS AS IDENTITY", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_COLUMN_SERIAL, "add-column-serial", REWRITE, true, DANGEROUS,
        "serial is a nextval() default, volatile: the table is rewritten under ACCESS EXCLUSIVE.",
        "add a nullable column, create the sequence, set the default, backfill existing rows in batches",
        "ALTER TABLE orders ADD COLUMN extra serial", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_COLUMN_STORED_GENERATED, "add-column-stored-generated", REWRITE, true, DANGEROUS,
        "A stored generated column is computed for every existing row: the table is rewritten under ACCESS EXCLUSIVE.",
        "on PostgreSQL 18, a VIRTUAL generated column needs no rewrite; otherwise a plain column filled by a trigger"
            + " and a batched backfill",
        "ALTER TABLE orders ADD COLUMN extra int GENERATED ALWAYS AS (amount * 2) STORED", "table", ACCESS_EXCLUSIVE);
    t.add(18, DdlKind.ADD_COLUMN_VIRTUAL_GENERATED, "add-column-virtual-generated", NONE, true, SAFE,
        "A virtual generated column is computed when read: a catalog change under a brief ACCESS EXCLUSIVE lock.", "",
        "ALTER TABLE orders ADD COLUMN extra int GENERATED ALWAYS AS (amount * 2) VIRTUAL", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_COLUMN_NOT_NULL_NO_DEFAULT, "add-column-not-null-without-default", NONE, true, DANGEROUS,
        "Fails on a table with rows (\"column contains null values\") after taking ACCESS EXCLUSIVE.",
        "add the column nullable (or with a default), backfill, then SET NOT NULL through a validated CHECK",
        "ALTER TABLE orders ADD COLUMN extra int NOT NULL", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.DROP_COLUMN, "drop-column", NONE, true, LOSSY,
        "Drops the column's data (the space is reclaimed only by a later rewrite) and breaks clients and views that"
            + " still use it.",
        "stop reading and writing the column in the application first (expand/contract), then drop it",
        "ALTER TABLE orders DROP COLUMN note", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.DROP_TABLE, "drop-table", NONE, true, LOSSY,
        "Drops the table and its data; dependent views make it fail unless CASCADE, and a foreign key it holds"
            + " locks the referenced table too.",
        "rename the table away first and drop it after a release without errors; back it up",
        "DROP TABLE orders", "table", ACCESS_EXCLUSIVE, "referenced", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ALTER_COLUMN_TYPE_REWRITE, "alter-column-type-rewrite", REWRITE, true, DANGEROUS,
        "Changing to a type that is not binary compatible rewrites the table and rebuilds its indexes under"
            + " ACCESS EXCLUSIVE, blocking reads and writes for the whole rewrite.",
        "expand/contract: add a new column, keep it in sync with a trigger, backfill in batches, switch readers,"
            + " drop the old column",
        "ALTER TABLE orders ALTER COLUMN amount TYPE bigint", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ALTER_COLUMN_TYPE_VARCHAR_WIDEN, "alter-column-type-varchar-widen", NONE, true, SAFE,
        "Widening a varchar is binary compatible: no rewrite, no scan, a brief ACCESS EXCLUSIVE lock.", "",
        "ALTER TABLE orders ALTER COLUMN note TYPE varchar(40)", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ALTER_COLUMN_TYPE_VARCHAR_TO_TEXT, "alter-column-type-varchar-to-text", NONE, true, SAFE,
        "varchar to text is binary compatible: no rewrite, no scan, a brief ACCESS EXCLUSIVE lock.", "",
        "ALTER TABLE orders ALTER COLUMN note TYPE text", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.SET_NOT_NULL, "set-not-null", SCAN, true, REVIEW,
        "Scans the whole table to check for nulls while holding ACCESS EXCLUSIVE (reads and writes wait).",
        "ADD CHECK (c IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE), then SET NOT NULL"
            + " (no scan) and drop the check",
        "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.SET_NOT_NULL_WITH_VALID_CHECK, "set-not-null-proven", NONE, true, SAFE,
        "A validated CHECK (c IS NOT NULL) proves the column has no nulls: no scan, a brief ACCESS EXCLUSIVE lock.",
        "", "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_CHECK, "add-check", SCAN, true, REVIEW,
        "Scans the whole table to validate the check while holding ACCESS EXCLUSIVE (reads and writes wait).",
        "ADD CONSTRAINT … NOT VALID (brief), then VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on)",
        "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0)", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_CHECK_NOT_VALID, "add-check-not-valid", NONE, true, SAFE,
        "Adds the check for new rows only: no scan, a brief ACCESS EXCLUSIVE lock.", "",
        "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID",
        "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.VALIDATE_CHECK, "validate-check", SCAN, true, SAFE,
        "Scans the table under SHARE UPDATE EXCLUSIVE: reads and writes go on.", "",
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive", "table", SHARE_UPDATE_EXCLUSIVE);
    t.add(13, DdlKind.ADD_FOREIGN_KEY, "add-foreign-key", SCAN, true, REVIEW,
        "Scans the referencing table to validate every row while holding SHARE ROW EXCLUSIVE on both tables:"
            + " writes to either table wait.",
        "ADD CONSTRAINT … NOT VALID (brief), then VALIDATE CONSTRAINT",
        "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)",
        "table", SHARE_ROW_EXCLUSIVE, "referenced", SHARE_ROW_EXCLUSIVE);
    t.add(13, DdlKind.ADD_FOREIGN_KEY_NOT_VALID, "add-foreign-key-not-valid", NONE, true, SAFE,
        "Adds the foreign key for new rows only: no scan, brief SHARE ROW EXCLUSIVE locks on both tables.", "",
        "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)"
            + " NOT VALID",
        "table", SHARE_ROW_EXCLUSIVE, "referenced", SHARE_ROW_EXCLUSIVE);
    t.add(13, DdlKind.VALIDATE_FOREIGN_KEY, "validate-foreign-key", SCAN, true, SAFE,
        "Scans the referencing table under SHARE UPDATE EXCLUSIVE; the referenced table gets ROW SHARE:"
            + " reads and writes go on.", "",
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk",
        "table", SHARE_UPDATE_EXCLUSIVE, "referenced", LockMode.ROW_SHARE);
    t.add(13, DdlKind.ADD_UNIQUE, "add-unique", SCAN, true, REVIEW,
        "Builds a unique index while holding ACCESS EXCLUSIVE: reads and writes wait for the whole build.",
        "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX",
        "ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id)", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_PRIMARY_KEY, "add-primary-key", SCAN, true, REVIEW,
        "Builds a unique index (and checks NOT NULL) while holding ACCESS EXCLUSIVE: reads and writes wait.",
        "CREATE UNIQUE INDEX CONCURRENTLY on NOT NULL columns, then ADD CONSTRAINT … PRIMARY KEY USING INDEX",
        "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id)", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_UNIQUE_USING_INDEX, "add-unique-using-index", NONE, true, SAFE,
        "Turns an existing valid unique index into a constraint: no build, a brief ACCESS EXCLUSIVE lock on the"
            + " table (SHARE UPDATE EXCLUSIVE on the index).", "",
        "ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE USING INDEX orders_id_idx",
        "table", ACCESS_EXCLUSIVE, "index", SHARE_UPDATE_EXCLUSIVE);
    t.add(13, DdlKind.ADD_PRIMARY_KEY_USING_INDEX, "add-primary-key-using-index", NONE, true, SAFE,
        "Turns an existing unique index on NOT NULL columns into the primary key: a brief ACCESS EXCLUSIVE lock"
            + " (nullable columns would be scanned).", "",
        "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx",
        "table", ACCESS_EXCLUSIVE, "index", SHARE_UPDATE_EXCLUSIVE);
    t.add(13, DdlKind.CREATE_INDEX, "create-index", SCAN, true, REVIEW,
        "Builds the index under SHARE: reads go on, writes wait for the whole build.",
        "CREATE INDEX CONCURRENTLY (outside a transaction; drop the INVALID index a failure leaves)",
        "CREATE INDEX orders_amount_idx ON orders (amount)", "table", SHARE);
    t.add(13, DdlKind.CREATE_INDEX_CONCURRENTLY, "create-index-concurrently", SCAN, false, SAFE,
        "Builds the index under SHARE UPDATE EXCLUSIVE in several transactions: reads and writes go on. Cannot"
            + " run in a transaction block; a failure leaves an INVALID index to drop.", "",
        "CREATE INDEX CONCURRENTLY orders_amount_idx ON orders (amount)", "table", SHARE_UPDATE_EXCLUSIVE);
    t.add(13, DdlKind.DROP_INDEX, "drop-index", NONE, true, REVIEW,
        "Takes ACCESS EXCLUSIVE on the table and the index: reads and writes wait (briefly, but behind any"
            + " long-running query).",
        "DROP INDEX CONCURRENTLY", "DROP INDEX orders_amount_idx",
        "table", ACCESS_EXCLUSIVE, "index", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.DROP_INDEX_CONCURRENTLY, "drop-index-concurrently", NONE, false, SAFE,
        "Waits for running transactions instead of blocking them: SHARE UPDATE EXCLUSIVE on the table; ACCESS"
            + " EXCLUSIVE on the index only for the final drop, once no transaction can use it. Cannot run in a"
            + " transaction block.", "",
        "DROP INDEX CONCURRENTLY orders_amount_idx",
        "table", SHARE_UPDATE_EXCLUSIVE, "index", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.REINDEX, "reindex", SCAN, true, REVIEW,
        "Rebuilds the index under SHARE on the table (writes wait) and ACCESS EXCLUSIVE on the index (queries"
            + " that would use it wait).",
        "REINDEX INDEX CONCURRENTLY", "REINDEX INDEX orders_amount_idx",
        "table", SHARE, "index", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.REINDEX_CONCURRENTLY, "reindex-concurrently", SCAN, false, SAFE,
        "Builds a replacement index under SHARE UPDATE EXCLUSIVE and swaps it in: reads and writes go on. Cannot"
            + " run in a transaction block; a failure leaves an INVALID _ccnew index to drop.", "",
        "REINDEX INDEX CONCURRENTLY orders_amount_idx",
        "table", SHARE_UPDATE_EXCLUSIVE, "index", SHARE_UPDATE_EXCLUSIVE);
    t.add(13, DdlKind.RENAME_TABLE, "rename-table", NONE, true, MULTI_PHASE,
        "A brief ACCESS EXCLUSIVE lock, but every running client that names the old table fails at once.",
        "expand/contract: create a view with the new name (or the old one) over the table, move clients, then rename",
        "ALTER TABLE orders RENAME TO purchases", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.RENAME_COLUMN, "rename-column", NONE, true, MULTI_PHASE,
        "A brief ACCESS EXCLUSIVE lock, but every running client that names the old column fails at once.",
        "expand/contract: add the new column, keep both in sync with a trigger, backfill, move clients, drop the old",
        "ALTER TABLE orders RENAME COLUMN note TO remark", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.ADD_ENUM_VALUE, "add-enum-value", NONE, true, REVIEW,
        "Locks no table. Allowed in a transaction block, but the new value cannot be used in that same"
            + " transaction (\"unsafe use of new value\"): run it in its own step.", "",
        "ALTER TYPE order_status ADD VALUE 'shipped'");
    t.add(13, DdlKind.REMOVE_ENUM_VALUE, "remove-enum-value", REWRITE, true, DANGEROUS,
        "PostgreSQL cannot drop an enum value: the column moves to a new type, which rewrites the table under"
            + " ACCESS EXCLUSIVE and fails if a row still holds the value.",
        "keep the value and forbid it with a CHECK (NOT VALID, then VALIDATE); or move the column in phases",
        "ALTER TABLE orders ALTER COLUMN status TYPE order_status_v2 USING status::text::order_status_v2",
        "table", ACCESS_EXCLUSIVE);
    // A domain's constraint is checked against every column that uses it, under SHARE on each table;
    // VALIDATE CONSTRAINT takes the same SHARE lock (PostgreSQL 13 to 18), so NOT VALID buys no weaker lock.
    t.add(13, DdlKind.ALTER_DOMAIN_ADD_CHECK, "alter-domain-add-check", SCAN, true, REVIEW,
        "Checks the values of every column that uses the domain, scanning each such table under SHARE: writes to"
            + " them wait for the whole scan.",
        "add the constraint NOT VALID (new values only, no scan) and VALIDATE CONSTRAINT at a quiet time: the"
            + " validation takes the same SHARE lock",
        "ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0)", "table", SHARE);
    t.add(13, DdlKind.ALTER_DOMAIN_ADD_CHECK_NOT_VALID, "alter-domain-add-check-not-valid", NONE, true, SAFE,
        "Adds the domain constraint for new values only: no table is locked or scanned.", "",
        "ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0) NOT VALID");
    t.add(13, DdlKind.VALIDATE_DOMAIN_CHECK, "validate-domain-check", SCAN, true, REVIEW,
        "Scans every table with a column of the domain under SHARE (unlike a table's VALIDATE CONSTRAINT): writes"
            + " to them wait for the whole scan.",
        "run it at a quiet time; the domain constraint already holds for new values",
        "ALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_check", "table", SHARE);
    t.add(13, DdlKind.ALTER_DOMAIN_SET_NOT_NULL, "alter-domain-set-not-null", SCAN, true, REVIEW,
        "Checks every column that uses the domain for nulls, scanning each such table under SHARE: writes to them"
            + " wait for the whole scan.",
        "a CHECK (VALUE IS NOT NULL) added NOT VALID enforces it on new values without a scan",
        "ALTER DOMAIN positive_amount SET NOT NULL", "table", SHARE);
    t.add(13, DdlKind.ATTACH_PARTITION, "attach-partition", SCAN, true, REVIEW,
        "SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the new partition, which is scanned to check"
            + " the partition bound.",
        "add a CHECK matching the bound to the table first (NOT VALID, VALIDATE): the attach then skips the scan",
        "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "parent", SHARE_UPDATE_EXCLUSIVE, "partition", ACCESS_EXCLUSIVE);
    // PostgreSQL 13 takes only SHARE UPDATE EXCLUSIVE on the detached partition (seen by experiment);
    // 14 and later take ACCESS EXCLUSIVE on it
    t.add(13, DdlKind.DETACH_PARTITION, "detach-partition", NONE, true, REVIEW,
        "ACCESS EXCLUSIVE on the parent (SHARE UPDATE EXCLUSIVE on the partition): every query on the"
            + " partitioned table waits.",
        "upgrade to PostgreSQL 14 or later for DETACH PARTITION … CONCURRENTLY",
        "ALTER TABLE events DETACH PARTITION events_2024",
        "parent", ACCESS_EXCLUSIVE, "partition", SHARE_UPDATE_EXCLUSIVE);
    t.add(14, DdlKind.DETACH_PARTITION, "detach-partition", NONE, true, REVIEW,
        "ACCESS EXCLUSIVE on the parent and the partition: every query on the partitioned table waits.",
        "DETACH PARTITION … CONCURRENTLY (PostgreSQL 14 and later)",
        "ALTER TABLE events DETACH PARTITION events_2024",
        "parent", ACCESS_EXCLUSIVE, "partition", ACCESS_EXCLUSIVE);
    t.add(14, DdlKind.DETACH_PARTITION_CONCURRENTLY, "detach-partition-concurrently", NONE, false, SAFE,
        "SHARE UPDATE EXCLUSIVE on the parent, in two transactions: queries on the partitioned table go on. The"
            + " detached partition itself gets ACCESS EXCLUSIVE in the last phase, so queries that name it"
            + " directly wait. Cannot run in a transaction block, nor with a default partition.", "",
        "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY",
        "parent", SHARE_UPDATE_EXCLUSIVE, "partition", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.CREATE_TRIGGER, "create-trigger", NONE, true, REVIEW,
        "SHARE ROW EXCLUSIVE on the table (writes wait, briefly), and changes the behaviour of every later write.",
        "", "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()",
        "table", SHARE_ROW_EXCLUSIVE);
    t.add(13, DdlKind.ENABLE_ROW_LEVEL_SECURITY, "enable-row-level-security", NONE, true, REVIEW,
        "A brief ACCESS EXCLUSIVE lock; with no policy yet, non-owner roles then see no rows at all.",
        "create the policies first, then enable row level security",
        "ALTER TABLE orders ENABLE ROW LEVEL SECURITY", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.CREATE_POLICY, "create-policy", NONE, true, REVIEW,
        "A brief ACCESS EXCLUSIVE lock; changes which rows roles see once row level security is enabled.", "",
        "CREATE POLICY orders_own ON orders USING (customer_id = 1)", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.VACUUM_FULL, "vacuum-full", REWRITE, false, DANGEROUS,
        "Rewrites the table and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite."
            + " Cannot run in a transaction block.",
        "plain VACUUM (SHARE UPDATE EXCLUSIVE); reclaim space online with a table-repacking extension",
        "VACUUM FULL orders", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.CLUSTER, "cluster", REWRITE, true, DANGEROUS,
        "Rewrites the table in index order under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite.",
        "do not CLUSTER a live table; reorder online with a table-repacking extension",
        "CLUSTER orders USING orders_amount_idx", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.TRUNCATE, "truncate", TRUNCATE, true, LOSSY,
        "Removes every row at once under ACCESS EXCLUSIVE (new empty files).",
        "DELETE in batches if the table is live and the rows must go; back it up first",
        "TRUNCATE orders", "table", ACCESS_EXCLUSIVE);
    t.add(13, DdlKind.REFRESH_MATERIALIZED_VIEW, "refresh-materialized-view", REWRITE, true, REVIEW,
        "Recomputes the view into new files under ACCESS EXCLUSIVE on the view: queries on it wait for the whole"
            + " refresh.",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)",
        "REFRESH MATERIALIZED VIEW order_totals", "view", ACCESS_EXCLUSIVE, "base", ACCESS_SHARE);
    t.add(13, DdlKind.REFRESH_MATERIALIZED_VIEW_CONCURRENTLY, "refresh-materialized-view-concurrently", SCAN, true,
        SAFE, "Recomputes the view and applies the difference under EXCLUSIVE: reads of the view go on.", "",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals", "view", EXCLUSIVE, "base", ACCESS_SHARE);
    for (DdlKind k : DdlKind.values()) {
      if (!t.rows.containsKey(k)) {
        throw new IllegalStateException("the lock catalogue has no entry for " + k);
      }
    }
    return t.rows;
  }
}
