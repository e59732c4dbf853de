package dev.lockplane.internal.safety;

import java.util.Set;
import java.util.regex.Pattern;

/** SQL identifier quoting: plain lower-case names stay readable, everything else is double-quoted. */
public final class Identifiers {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
  // Reserved words that are plausible table or column names; quoting them keeps the SQL valid.
  private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
      "both", "case", "cast", "check", "collate", "column", "constraint", "create", "current_date", "current_role",
      "current_time", "current_user", "default", "desc", "distinct", "do", "else", "end", "except", "false",
      "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
      "leading", "limit", "localtime", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary",
      "references", "returning", "select", "session_user", "some", "symmetric", "table", "then", "to", "trailing",
      "true", "union", "unique", "user", "using", "variadic", "when", "where", "window", "with");

  private Identifiers() {}

  /**
   * Quotes a name; a dot separates schema and name unless the name is already quoted.
   *
   * @param name such as {@code orders}, {@code sales.orders} or {@code Order}
   * @return SQL text
   */
  public static String quote(String name) {
    if (name.startsWith("\"")) {
      return name;
    }
    int dot = name.indexOf('.');
    if (dot > 0) {
      return part(name.substring(0, dot)) + "." + part(name.substring(dot + 1));
    }
    return part(name);
  }

  /**
   * Returns whether text is a name (optionally schema-qualified) rather than an expression.
   *
   * @param text the text
   * @return whether it is a name
   */
  public static boolean isName(String text) {
    return NAME.matcher(text).matches() || text.startsWith("\"");
  }

  private static String part(String p) {
    if (PLAIN.matcher(p).matches() && !RESERVED.contains(p)) {
      return p;
    }
    return "\"" + p.replace("\"", "\"\"") + "\"";
  }
}
