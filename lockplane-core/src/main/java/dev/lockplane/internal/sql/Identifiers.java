package dev.lockplane.internal.sql;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * SQL identifier quoting: the one function every module uses, for PostgreSQL and SQLite alike. A
 * plain lower-case name that is no keyword of either dialect stays bare, so generated SQL reads like
 * hand-written SQL; anything else is double-quoted with inner quotes doubled.
 */
public final class Identifiers {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
  // PostgreSQL 18's keywords that are not unreserved (pg_get_keywords() where catcode <> 'U'): reserved,
  // type/function-name and column-name keywords. Quoting the last group too keeps every context safe.
  private static final String POSTGRES = "all analyse analyze and any array as asc asymmetric authorization"
      + " between bigint binary bit boolean both case cast char character check coalesce collate collation column"
      + " concurrently constraint create cross current_catalog current_date current_role current_schema"
      + " current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end"
      + " except exists extract false fetch float for foreign freeze from full grant greatest group grouping"
      + " having ilike in initially inner inout int integer intersect interval into is isnull join json"
      + " json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize"
      + " json_table json_value lateral leading least left like limit localtime localtimestamp merge_action"
      + " national natural nchar none normalize not notnull null nullif numeric offset on only or order out"
      + " outer overlaps overlay placing position precision primary real references returning right row"
      + " select session_user setof similar smallint some substring symmetric system_user table tablesample"
      + " then time timestamp to trailing treat trim true union unique user using values varchar variadic"
      + " verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces"
      + " xmlparse xmlpi xmlroot xmlserialize xmltable"
      // unreserved in PostgreSQL, but names the planner has always quoted for readability of key/value tables
      + " key value";
  // SQLite's keywords (sqlite.org/lang_keywords.html) not already above.
  private static final String SQLITE = "abort action add after alter always attach autoincrement before begin"
      + " by cascade commit conflict current database deferred delete detach drop each escape exclude exclusive"
      + " explain fail filter first following generated glob groups if ignore immediate index indexed insert"
      + " instead last match materialized no nothing nulls of others over partition plan pragma preceding"
      + " query raise range recursive regexp reindex release rename replace restrict rollback rows savepoint"
      + " set temp temporary ties transaction trigger unbounded update vacuum view virtual without";
  private static final Set<String> KEYWORDS = Set.of((POSTGRES + " " + SQLITE).split(" "));

  private Identifiers() {}

  /**
   * Quotes one identifier when it needs it.
   *
   * @param name a table, column, role, database … name, unquoted
   * @return the name bare when plain, else {@code "name"} with inner quotes doubled
   */
  public static String quote(String name) {
    if (name == null) {
      throw new IllegalArgumentException("identifier must not be null");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains a NUL character");
    }
    if (PLAIN.matcher(name).matches() && !KEYWORDS.contains(name)) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * Quotes a schema-qualified name.
   *
   * @param schema the schema, unquoted
   * @param name the object, unquoted
   * @return {@code schema.name}, each part quoted when it needs it
   */
  public static String qualified(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  /**
   * Quotes a name written {@code schema.name} (or just {@code name}); text that starts with a double
   * quote is taken as already quoted.
   *
   * @param dotted the name, the first dot separating schema and name
   * @return SQL text
   */
  public static String qualified(String dotted) {
    if (dotted.startsWith("\"")) {
      return dotted;
    }
    int dot = dotted.indexOf('.');
    return dot < 0 ? quote(dotted) : qualified(dotted.substring(0, dot), dotted.substring(dot + 1));
  }

  /**
   * Quotes names and joins them with {@code ", "}.
   *
   * @param names the names, unquoted
   * @return SQL text
   */
  public static String quoteAll(List<String> names) {
    return names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
  }

  /**
   * Whether text is a name (optionally schema-qualified, or already quoted) rather than an expression.
   *
   * @param text the text
   * @return whether it is a name
   */
  public static boolean isName(String text) {
    return NAME.matcher(text).matches() || text.startsWith("\"");
  }

  /**
   * Removes the quotes of a possibly quoted identifier.
   *
   * @param text {@code "Name"} or {@code name}
   * @return the name as stored
   */
  public static String unquote(String text) {
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return text.substring(1, text.length() - 1).replace("\"\"", "\"");
    }
    return text;
  }

  /**
   * Quotes a string literal (standard_conforming_strings on, the default since PostgreSQL 9.1).
   *
   * @param value the text, or null
   * @return {@code 'value'} with inner quotes doubled, or {@code NULL}
   */
  public static String literal(String value) {
    if (value == null) {
      return "NULL";
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("literal contains a NUL character");
    }
    return '\'' + value.replace("'", "''") + '\'';
  }
}
