package dev.lockplane.internal.planner;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Quoting of identifiers and literals. */
public final class Sql {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
  // Reserved words that cannot be used as a bare column or table name.
  private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array",
      "as", "asc", "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint",
      "create", "current_catalog", "current_date", "current_role", "current_time",
      "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else",
      "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
      "initially", "intersect", "into", "lateral", "leading", "limit", "localtime",
      "localtimestamp", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary",
      "references", "returning", "select", "session_user", "some", "symmetric", "system_user",
      "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
      "when", "where", "window", "with", "authorization", "binary", "collation", "concurrently",
      "cross", "current_schema", "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left",
      "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample",
      "verbose", "key", "value");

  private Sql() {}

  public static String ident(String name) {
    if (PLAIN.matcher(name).matches() && !RESERVED.contains(name)) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  public static String qualified(String schema, String name) {
    return ident(schema) + "." + ident(name);
  }

  /** Renders {@code schema.name} (as stored in the model) as a quoted qualified name. */
  public static String qualified(String dotted) {
    int dot = dotted.indexOf('.');
    return dot < 0 ? ident(dotted) : qualified(dotted.substring(0, dot), dotted.substring(dot + 1));
  }

  public static String idents(List<String> names) {
    return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
  }

  public static String literal(String s) {
    return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
  }

  /** Removes the quotes of a possibly quoted identifier. */
  public static String unquote(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1).replace("\"\"", "\"");
    }
    return s;
  }
}
