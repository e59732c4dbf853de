package dev.lockplane.safety;

import dev.lockplane.internal.sql.Identifiers;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL for the safe forms of risky schema changes, from plain names. Each method returns the steps in
 * order; run them with a {@link GuardedExecutor} (non-transactional steps are marked). Names are
 * quoted when they need it; a dotted name is schema-qualified.
 *
 * <pre>{@code
 * SafeRewrites.setNotNull("orders", "amount");
 * // ALTER TABLE orders ADD CONSTRAINT orders_amount_not_null_check CHECK (amount IS NOT NULL) NOT VALID
 * // ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_not_null_check
 * // ALTER TABLE orders ALTER COLUMN amount SET NOT NULL
 * // ALTER TABLE orders DROP CONSTRAINT orders_amount_not_null_check
 * }</pre>
 */
public final class SafeRewrites {
  private SafeRewrites() {}

  /**
   * {@code CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS}: SHARE UPDATE EXCLUSIVE instead of SHARE.
   * Run it through {@link ConcurrentIndexes#create} to clean up the INVALID index a failure leaves.
   *
   * @param index the index name
   * @param table the table
   * @param columns the key columns (or expressions, given as written)
   * @param unique whether the index is unique
   * @return one non-transactional step
   */
  public static SqlStep createIndexConcurrently(String index, String table, List<String> columns, boolean unique) {
    return SqlStep.nonTransactional("CREATE " + (unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
            + Identifiers.qualified(unqualified(index)) + " ON " + Identifiers.qualified(table) + " (" + columnList(columns) + ")")
        .describedAs("build index " + index + " without blocking writes");
  }

  /**
   * {@code DROP INDEX CONCURRENTLY IF EXISTS}: waits for running transactions instead of blocking them.
   *
   * @param index the index (schema-qualified if needed)
   * @return one non-transactional step
   */
  public static SqlStep dropIndexConcurrently(String index) {
    return SqlStep.nonTransactional("DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.qualified(index))
        .describedAs("drop index " + index + " without blocking queries");
  }

  /**
   * A check constraint added {@code NOT VALID} (brief ACCESS EXCLUSIVE, no scan), then validated
   * (SHARE UPDATE EXCLUSIVE while it scans).
   *
   * @param table the table
   * @param constraint the constraint name
   * @param expression the check expression, as SQL
   * @return two steps
   */
  public static List<SqlStep> addCheck(String table, String constraint, String expression) {
    String t = Identifiers.qualified(table);
    String c = Identifiers.qualified(constraint);
    return List.of(
        SqlStep.of("ALTER TABLE " + t + " ADD CONSTRAINT " + c + " CHECK (" + expression + ") NOT VALID")
            .describedAs("add check " + constraint + " for new rows only"),
        SqlStep.of("ALTER TABLE " + t + " VALIDATE CONSTRAINT " + c)
            .describedAs("validate " + constraint + " without blocking reads or writes"));
  }

  /**
   * A foreign key added {@code NOT VALID} (brief SHARE ROW EXCLUSIVE on both tables, no scan), then
   * validated (SHARE UPDATE EXCLUSIVE on the table, ROW SHARE on the referenced one).
   *
   * @param table the referencing table
   * @param constraint the constraint name
   * @param columns the referencing columns
   * @param referenced the referenced table
   * @param referencedColumns the referenced columns
   * @return two steps
   */
  public static List<SqlStep> addForeignKey(String table, String constraint, List<String> columns, String referenced,
      List<String> referencedColumns) {
    String t = Identifiers.qualified(table);
    String c = Identifiers.qualified(constraint);
    return List.of(
        SqlStep.of("ALTER TABLE " + t + " ADD CONSTRAINT " + c + " FOREIGN KEY (" + identifierList(columns)
                + ") REFERENCES " + Identifiers.qualified(referenced) + " (" + identifierList(referencedColumns) + ") NOT VALID")
            .describedAs("add foreign key " + constraint + " for new rows only"),
        SqlStep.of("ALTER TABLE " + t + " VALIDATE CONSTRAINT " + c)
            .describedAs("validate " + constraint + " without blocking reads or writes"));
  }

  /**
   * {@code SET NOT NULL} without the scan under ACCESS EXCLUSIVE: a {@code CHECK (c IS NOT NULL)}
   * added NOT VALID and validated lets PostgreSQL (12 and later) skip the scan; the check is then dropped.
   *
   * @param table the table
   * @param column the column
   * @return four steps
   */
  public static List<SqlStep> setNotNull(String table, String column) {
    // Not "<table>_<column>_not_null": PostgreSQL 18 gives that name to the NOT NULL constraint itself.
    String name = unqualified(table) + "_" + column + "_not_null_check";
    if (name.length() > 63) {
      name = name.substring(0, 48) + "_not_null_check";
    }
    List<SqlStep> out = new ArrayList<>(addCheck(table, name, Identifiers.qualified(column) + " IS NOT NULL"));
    String t = Identifiers.qualified(table);
    out.add(SqlStep.of("ALTER TABLE " + t + " ALTER COLUMN " + Identifiers.qualified(column) + " SET NOT NULL")
        .describedAs("set " + column + " NOT NULL, proven by the validated check (no scan)"));
    out.add(SqlStep.of("ALTER TABLE " + t + " DROP CONSTRAINT " + Identifiers.qualified(name))
        .describedAs("drop the helper check"));
    return out;
  }

  /**
   * A unique constraint through a concurrent unique index: {@code CREATE UNIQUE INDEX CONCURRENTLY},
   * then {@code ADD CONSTRAINT … UNIQUE USING INDEX} (brief ACCESS EXCLUSIVE, no build).
   *
   * @param table the table
   * @param constraint the constraint name (the index takes this name)
   * @param columns the columns
   * @return two steps, the first non-transactional
   */
  public static List<SqlStep> addUnique(String table, String constraint, List<String> columns) {
    return usingIndex(table, constraint, columns, "UNIQUE");
  }

  /**
   * A primary key through a concurrent unique index, then {@code ADD CONSTRAINT … PRIMARY KEY USING
   * INDEX}. The columns should already be NOT NULL (see {@link #setNotNull}); otherwise the last step
   * scans the table under ACCESS EXCLUSIVE to set it.
   *
   * @param table the table
   * @param constraint the constraint name (the index takes this name)
   * @param columns the key columns
   * @return two steps, the first non-transactional
   */
  public static List<SqlStep> addPrimaryKey(String table, String constraint, List<String> columns) {
    return usingIndex(table, constraint, columns, "PRIMARY KEY");
  }

  private static List<SqlStep> usingIndex(String table, String constraint, List<String> columns, String kind) {
    return List.of(
        SqlStep.nonTransactional("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS " + Identifiers.qualified(constraint)
                + " ON " + Identifiers.qualified(table) + " (" + identifierList(columns) + ")")
            .describedAs("build the unique index for " + constraint + " without blocking writes"),
        SqlStep.of("ALTER TABLE " + Identifiers.qualified(table) + " ADD CONSTRAINT " + Identifiers.qualified(constraint) + " "
                + kind + " USING INDEX " + Identifiers.qualified(constraint))
            .describedAs("turn the index into the " + kind.toLowerCase(java.util.Locale.ROOT) + " constraint"));
  }

  private static String unqualified(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }

  private static String identifierList(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("at least one column is needed");
    }
    return String.join(", ", names.stream().map(Identifiers::quote).toList());
  }

  private static String columnList(List<String> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("at least one column is needed");
    }
    // Plain names are quoted as identifiers; anything else is an expression and is kept as written.
    return String.join(", ", columns.stream()
        .map(c -> Identifiers.isName(c) ? Identifiers.qualified(c) : "(" + c + ")").toList());
  }
}
