package dev.lockplane.internal.planner.sqlite;

import dev.lockplane.schema.Constraint;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQLite's pragmas do not report CHECK constraints: they are read from the table's CREATE
 * statement, which SQLite keeps verbatim. Unnamed checks are numbered in order.
 */
final class SqliteChecks {
  private static final Pattern CHECK = Pattern.compile("(?i)(?:CONSTRAINT\\s+(\"[^\"]+\"|\\w+)\\s+)?\\bCHECK\\s*\\(");

  private SqliteChecks() {}

  static List<Constraint.Check> checks(String sql) {
    List<Constraint.Check> out = new ArrayList<>();
    Matcher m = CHECK.matcher(sql);
    int n = 1;
    int from = 0;
    while (m.find(from)) {
      String body = balanced(sql, m.end());
      String name = m.group(1) == null ? "check_" + n : m.group(1).replace("\"", "");
      n++;
      out.add(new Constraint.Check(name, body.strip(), false));
      from = m.end() + body.length();
    }
    return out;
  }

  /** Returns the text from {@code start} up to the parenthesis that closes the one before it. */
  static String balanced(String sql, int start) {
    int depth = 1;
    int i = start;
    char quote = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        break;
      }
      i++;
    }
    return sql.substring(start, i);
  }
}
