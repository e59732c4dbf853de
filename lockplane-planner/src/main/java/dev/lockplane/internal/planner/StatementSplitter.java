package dev.lockplane.internal.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a SQL script into statements at top-level semicolons, skipping those inside quotes,
 * quoted identifiers, dollar quotes, line comments and (nested) block comments. Each statement
 * keeps the line it starts on, so that a failure can name file and line.
 */
public final class StatementSplitter {
  /**
   * A statement of a script.
   *
   * @param text the statement, without the terminating semicolon
   * @param line the 1-based line of its first character outside comments
   */
  public record Statement(String text, int line) {}

  private StatementSplitter() {}

  public static List<Statement> split(String sql) {
    List<Statement> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    // The statement without quoted text and comments, to find BEGIN ... END blocks.
    StringBuilder code = new StringBuilder();
    int line = 1;
    int startLine = -1;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      char next = i + 1 < n ? sql.charAt(i + 1) : 0;
      int from = i;
      if (c == '-' && next == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && next == '*') {
        int depth = 0;
        do {
          if (sql.startsWith("/*", i)) {
            depth++;
            i += 2;
          } else if (sql.startsWith("*/", i)) {
            depth--;
            i += 2;
          } else {
            i++;
          }
        } while (i < n && depth > 0);
      } else if (c == '\'' || c == '"') {
        boolean backslash = c == '\'' && i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
            && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)));
        i++;
        while (i < n) {
          char d = sql.charAt(i);
          if (backslash && d == '\\') {
            i += 2;
            continue;
          }
          if (d == c) {
            if (i + 1 < n && sql.charAt(i + 1) == c) {
              i += 2;
              continue;
            }
            i++;
            break;
          }
          i++;
        }
        if (startLine < 0) {
          startLine = line;
        }
      } else if (c == '$' && dollarTag(sql, i) != null) {
        String tag = dollarTag(sql, i);
        int end = sql.indexOf(tag, i + tag.length());
        i = end < 0 ? n : end + tag.length();
        if (startLine < 0) {
          startLine = line;
        }
      } else if (c == ';' && insideBlock(code)) {
        i++;
      } else if (c == ';') {
        String text = cur.toString().strip();
        if (!text.isEmpty() && !onlyComments(text)) {
          out.add(new Statement(text, startLine < 0 ? line : startLine));
        }
        cur.setLength(0);
        code.setLength(0);
        startLine = -1;
        i++;
        continue;
      } else {
        if (startLine < 0 && !Character.isWhitespace(c)) {
          startLine = line;
        }
        i++;
        code.append(c);
      }
      String piece = sql.substring(from, i);
      cur.append(piece);
      line += (int) piece.chars().filter(ch -> ch == '\n').count();
    }
    String text = cur.toString().strip();
    if (!text.isEmpty() && !onlyComments(text)) {
      out.add(new Statement(text, startLine < 0 ? line : startLine));
    }
    return out;
  }

  private static final Pattern BLOCK_START = Pattern.compile(
      "(?is)^\\s*CREATE\\b.*?(\\bTRIGGER\\b.*\\bBEGIN\\b|\\bBEGIN\\s+ATOMIC\\b).*");
  private static final Pattern WORD = Pattern.compile("(?i)\\b(BEGIN|CASE|END)\\b");

  /**
   * Whether a semicolon falls inside a {@code BEGIN ... END} body: a SQLite trigger or a
   * PostgreSQL {@code BEGIN ATOMIC} function, whose statements end with semicolons of their own.
   */
  private static boolean insideBlock(CharSequence code) {
    if (!BLOCK_START.matcher(code).matches()) {
      return false;
    }
    int depth = 0;
    Matcher m = WORD.matcher(code);
    while (m.find()) {
      depth += m.group(1).equalsIgnoreCase("END") ? -1 : 1;
    }
    return depth > 0;
  }

  /** Returns the dollar-quote tag starting at {@code i} ({@code $$} or {@code $name$}), or null. */
  private static String dollarTag(String sql, int i) {
    if (i > 0 && (Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_')) {
      return null;
    }
    int j = i + 1;
    while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
      j++;
    }
    if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
      return sql.substring(i, j + 1);
    }
    return null;
  }

  private static boolean onlyComments(String text) {
    String s = text;
    while (!s.isEmpty()) {
      s = s.strip();
      if (s.startsWith("--")) {
        int nl = s.indexOf('\n');
        s = nl < 0 ? "" : s.substring(nl + 1);
      } else if (s.startsWith("/*")) {
        int end = s.indexOf("*/");
        s = end < 0 ? "" : s.substring(end + 2);
      } else {
        return s.isEmpty();
      }
    }
    return true;
  }
}
