package dev.lockplane.golden;

import java.util.Objects;

/**
 * A column a masking rule applies to.
 *
 * @param schema the table's schema, such as {@code public}
 * @param table the table's name
 * @param column the column's name
 */
public record MaskedColumn(String schema, String table, String column) implements Comparable<MaskedColumn> {

  /** Validates the components. */
  public MaskedColumn {
    for (String[] part : new String[][] {{"schema", schema}, {"table", table}, {"column", column}}) {
      Objects.requireNonNull(part[1], part[0]);
      if (part[1].isEmpty()) {
        throw new IllegalArgumentException("A masked column needs a " + part[0] + " name");
      }
    }
  }

  /**
   * Parses {@code schema.table} (or {@code table}, in schema {@code public}) and a column name.
   *
   * @param table the table, optionally qualified by its schema
   * @param column the column
   * @return the column
   */
  public static MaskedColumn of(String table, String column) {
    Objects.requireNonNull(table, "table");
    int dot = table.indexOf('.');
    return dot < 0 ? new MaskedColumn("public", table, column)
        : new MaskedColumn(table.substring(0, dot), table.substring(dot + 1), column);
  }

  /**
   * Returns the table as {@code schema.table}.
   *
   * @return the qualified table name
   */
  public String qualifiedTable() {
    return schema + "." + table;
  }

  @Override
  public int compareTo(MaskedColumn o) {
    return toString().compareTo(o.toString());
  }

  /** Returns {@code schema.table.column}. */
  @Override
  public String toString() {
    return schema + "." + table + "." + column;
  }
}
