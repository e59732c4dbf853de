package dev.lockplane.migrate;

import java.util.Objects;

/**
 * A schema change that breaks running application versions when applied directly, described with plain
 * names and SQL types. {@link ExpandContract#plan(String, Change)} turns one into phases.
 */
public sealed interface Change {
  /** Returns the table the change applies to (for a rename of a table, its current name). */
  String table();

  /** Returns a one-line description, such as {@code rename of orders.total → amount}. */
  String summary();

  /**
   * Renames a column: a new column kept in step with the old one by a trigger, backfilled, then the old
   * column dropped.
   *
   * @param table the table
   * @param keyColumn the unique key the backfill batches by
   * @param from the current name
   * @param to the new name
   * @param type the column's SQL type, such as {@code numeric(12,2)}
   * @param notNull whether the column is NOT NULL (the new column becomes NOT NULL at contract)
   */
  record RenameColumn(String table, String keyColumn, String from, String to, String type, boolean notNull)
      implements Change {
    /** Validates the components. */
    public RenameColumn {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(keyColumn, "keyColumn");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(type, "type");
    }

    @Override
    public String summary() {
      return "rename of " + table + "." + from + " → " + to;
    }
  }

  /**
   * Renames a table: the table takes its new name and an updatable view keeps the old name working
   * until contract.
   *
   * @param table the current name
   * @param to the new name (unqualified; the table stays in its schema)
   */
  record RenameTable(String table, String to) implements Change {
    /** Validates the components. */
    public RenameTable {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String summary() {
      return "rename of table " + table + " → " + to;
    }
  }

  /**
   * Changes a column's type when the old and new types are not binary-compatible: a shadow column of the
   * new type, kept in step both ways by a trigger, backfilled, then swapped in under the column's name.
   *
   * <p>Conversions are SQL expressions in which {@code {}} stands for the value being converted,
   * for example {@code round({} * 100)::bigint} and {@code ({}::numeric / 100)}.
   *
   * @param table the table
   * @param keyColumn the unique key the backfill batches by
   * @param column the column
   * @param oldType the current SQL type (for the contract rollback, which re-creates the old column)
   * @param newType the new SQL type
   * @param toNew converts an old value to the new type
   * @param toOld converts a new value back to the old type (used when the new application writes)
   * @param shadowColumn the name of the new column during the transition (the new application uses it
   *     until contract renames it to {@code column})
   * @param notNull whether the column is NOT NULL
   */
  record ChangeColumnType(String table, String keyColumn, String column, String oldType, String newType,
      String toNew, String toOld,
      String shadowColumn, boolean notNull) implements Change {
    /** Validates the components. */
    public ChangeColumnType {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(keyColumn, "keyColumn");
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(oldType, "oldType");
      Objects.requireNonNull(newType, "newType");
      Objects.requireNonNull(toNew, "toNew");
      Objects.requireNonNull(toOld, "toOld");
      Objects.requireNonNull(shadowColumn, "shadowColumn");
      if (!toNew.contains("{}") || !toOld.contains("{}")) {
        throw new IllegalArgumentException("type conversions of " + table + "." + column
            + " must contain {} where the value goes; got '" + toNew + "' and '" + toOld + "'");
      }
    }

    @Override
    public String summary() {
      return "type change of " + table + "." + column + " → " + newType;
    }
  }

  /**
   * Makes a populated column NOT NULL: a trigger fills NULLs written by old application versions, the
   * backfill fills existing NULLs, and contract adds the constraint without a scan under ACCESS EXCLUSIVE.
   *
   * @param table the table
   * @param keyColumn the unique key the backfill batches by
   * @param column the column
   * @param fill an SQL expression for the value that replaces NULL, such as {@code 0} or {@code 'unknown'}
   */
  record SetNotNull(String table, String keyColumn, String column, String fill) implements Change {
    /** Validates the components. */
    public SetNotNull {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(keyColumn, "keyColumn");
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(fill, "fill");
    }

    @Override
    public String summary() {
      return "NOT NULL on " + table + "." + column;
    }
  }

  /**
   * Drops a column: expand lifts its NOT NULL so application versions that no longer write it work,
   * contract drops it.
   *
   * @param table the table
   * @param column the column
   * @param type the column's SQL type (for the contract rollback, which re-creates it empty)
   * @param notNull whether the column is NOT NULL now
   */
  record DropColumn(String table, String column, String type, boolean notNull) implements Change {
    /** Validates the components. */
    public DropColumn {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(type, "type");
    }

    @Override
    public String summary() {
      return "drop of " + table + "." + column;
    }
  }
}
