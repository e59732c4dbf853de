package dev.lockplane.internal.sql;

/**
 * SQL identifier quoting, the one function every module uses. PostgreSQL and SQLite share the
 * standard form: the name in double quotes, a double quote inside it doubled.
 */
public final class Identifiers {
  private Identifiers() {}

  /**
   * Quotes one identifier, whatever it contains.
   *
   * @param name a table, column, role, database … name, unquoted
   * @return {@code "name"} with inner quotes doubled
   */
  public static String quote(String name) {
    if (name == null) {
      throw new IllegalArgumentException("identifier must not be null");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains a NUL character");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * Quotes a schema-qualified name.
   *
   * @param schema the schema, unquoted
   * @param name the object, unquoted
   * @return {@code "schema"."name"}
   */
  public static String qualified(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  /**
   * Quotes a string literal (standard_conforming_strings on, the default since PostgreSQL 9.1).
   *
   * @param value the text
   * @return {@code 'value'} with inner quotes doubled
   */
  public static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("literal contains a NUL character");
    }
    return '\'' + value.replace("'", "''") + '\'';
  }
}
