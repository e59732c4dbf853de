package dev.lockplane.schema;

import java.util.Objects;

/**
 * A table column.
 *
 * @param name the column name
 * @param type the type with modifiers and array brackets, formatted as the database prints it
 * @param notNull whether NULL is rejected
 * @param defaultValue the default expression, or null
 * @param identity the identity kind, or null when the column is not an identity column
 * @param generated the expression of a generated column, or null
 * @param collation the collation when it differs from the type's default, or null
 * @param comment the comment, or null
 * @param renamedFrom in a desired schema, the column's previous name: the planner renames instead
 *     of dropping and adding; null otherwise
 * @param identityOptions for an identity column, the options of its sequence that differ from the
 *     defaults, in the order {@code INCREMENT BY, MINVALUE, MAXVALUE, START WITH, CACHE, CYCLE}, e.g.
 *     {@code INCREMENT BY 10 START WITH 100}; null when all are the defaults
 * @param virtual for a generated column, whether it is computed when read ({@code VIRTUAL},
 *     PostgreSQL 18 and SQLite) rather than stored; false otherwise
 * @param notNullName the name of the column's NOT NULL constraint (PostgreSQL 18 names them,
 *     {@code orders_id_not_null} by default), or null when not known or not cared about: the planner
 *     renames the constraint only when both the current and the desired column name it
 */
public record Column(
    String name,
    String type,
    boolean notNull,
    String defaultValue,
    Identity identity,
    String generated,
    String collation,
    String comment,
    String renamedFrom,
    String identityOptions,
    boolean virtual,
    String notNullName) {
  /** Validates the record. */
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (virtual && generated == null) {
      throw new IllegalArgumentException("column " + name + " is virtual but has no generation expression");
    }
  }

  /**
   * Creates a column whose NOT NULL constraint's name is not known.
   *
   * @param name the column name
   * @param type the type
   * @param notNull whether NULL is rejected
   * @param defaultValue the default expression, or null
   * @param identity the identity kind, or null
   * @param generated the generation expression, or null
   * @param collation the collation, or null
   * @param comment the comment, or null
   * @param renamedFrom the rename hint, or null
   * @param identityOptions the identity sequence's options that differ from the defaults, or null
   * @param virtual whether a generated column is virtual
   */
  public Column(String name, String type, boolean notNull, String defaultValue, Identity identity, String generated,
      String collation, String comment, String renamedFrom, String identityOptions, boolean virtual) {
    this(name, type, notNull, defaultValue, identity, generated, collation, comment, renamedFrom, identityOptions,
        virtual, null);
  }

  /**
   * Creates a column that is not a virtual generated column.
   *
   * @param name the column name
   * @param type the type
   * @param notNull whether NULL is rejected
   * @param defaultValue the default expression, or null
   * @param identity the identity kind, or null
   * @param generated the expression of a stored generated column, or null
   * @param collation the collation, or null
   * @param comment the comment, or null
   * @param renamedFrom the rename hint, or null
   * @param identityOptions the identity sequence's options that differ from the defaults, or null
   */
  public Column(String name, String type, boolean notNull, String defaultValue, Identity identity, String generated,
      String collation, String comment, String renamedFrom, String identityOptions) {
    this(name, type, notNull, defaultValue, identity, generated, collation, comment, renamedFrom, identityOptions,
        false);
  }

  /**
   * Creates a column whose identity sequence, if any, has the default options.
   *
   * @param name the column name
   * @param type the type
   * @param notNull whether NULL is rejected
   * @param defaultValue the default expression, or null
   * @param identity the identity kind, or null
   * @param generated the generation expression, or null
   * @param collation the collation, or null
   * @param comment the comment, or null
   * @param renamedFrom the rename hint, or null
   */
  public Column(String name, String type, boolean notNull, String defaultValue, Identity identity, String generated,
      String collation, String comment, String renamedFrom) {
    this(name, type, notNull, defaultValue, identity, generated, collation, comment, renamedFrom, null);
  }

  /** Returns this column without its rename hint. */
  public Column withoutRenameHint() {
    return withRenamedFrom(null);
  }

  /**
   * Returns this column with another rename hint.
   *
   * @param hint the previous name, or null
   * @return the copy
   */
  public Column withRenamedFrom(String hint) {
    return new Column(name, type, notNull, defaultValue, identity, generated, collation, comment, hint,
        identityOptions, virtual, notNullName);
  }

  /**
   * Returns this column with another name for its NOT NULL constraint.
   *
   * @param constraintName the name, or null when not cared about
   * @return the copy
   */
  public Column withNotNullName(String constraintName) {
    return new Column(name, type, notNull, defaultValue, identity, generated, collation, comment, renamedFrom,
        identityOptions, virtual, constraintName);
  }

  /**
   * Returns the name PostgreSQL 18 gives a column's NOT NULL constraint when none is written:
   * {@code <table>_<column>_not_null}, the longer of table and column name shortened until the whole
   * fits in 63 bytes.
   *
   * @param table the table's name (without schema)
   * @param column the column's name
   * @return the name
   */
  public static String defaultNotNullName(String table, String column) {
    byte[] t = table.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] c = column.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int tl = t.length;
    int cl = c.length;
    int avail = 63 - ("not_null".length() + 2);
    while (tl + cl > avail) {
      if (tl > cl) {
        tl--;
      } else {
        cl--;
      }
    }
    return clip(table, tl) + "_" + clip(column, cl) + "_not_null";
  }

  /** The longest prefix of {@code s} of at most {@code bytes} UTF-8 bytes that ends on a character. */
  private static String clip(String s, int bytes) {
    int used = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (used + n > bytes) {
        break;
      }
      used += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  /** How the values of an identity column are generated. */
  public enum Identity {
    /** {@code GENERATED ALWAYS AS IDENTITY}. */
    ALWAYS,
    /** {@code GENERATED BY DEFAULT AS IDENTITY}. */
    BY_DEFAULT
  }
}
