package dev.lockplane.internal.instances;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements at semicolons that are outside quotes ({@code '…'},
 * {@code E'…'}, {@code "…"}), dollar quotes ({@code $tag$…$tag$}) and comments ({@code --},
 * nested {@code /* *\/}). Each statement keeps the 1-based line it starts on, for error messages.
 */
final class StatementSplitter {
  /**
   * A statement of a script.
   *
   * @param sql the statement, without the final semicolon
   * @param line the 1-based line where it starts
   */
  record Statement(String sql, int line) {}

  private StatementSplitter() {}

  static List<Statement> split(String script) {
    List<Statement> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int line = 1;
    int startLine = -1;
    int n = script.length();
    int i = 0;
    while (i < n) {
      char c = script.charAt(i);
      char next = i + 1 < n ? script.charAt(i + 1) : '\0';
      if (c == '-' && next == '-') {
        int end = script.indexOf('\n', i);
        end = end < 0 ? n : end;
        if (startLine >= 0) {
          cur.append(script, i, end);
        }
        i = end;
        continue;
      }
      if (c == '/' && next == '*') {
        int depth = 0;
        int j = i;
        while (j < n) {
          if (script.startsWith("/*", j)) {
            depth++;
            j += 2;
          } else if (script.startsWith("*/", j)) {
            depth--;
            j += 2;
            if (depth == 0) {
              break;
            }
          } else {
            j++;
          }
        }
        line += count(script, i, j);
        if (startLine >= 0) {
          cur.append(script, i, Math.min(j, n));
        }
        i = Math.min(j, n);
        continue;
      }
      if (!Character.isWhitespace(c) && c != ';' && startLine < 0) {
        startLine = line;
      }
      if (c == '\'' || c == '"') {
        boolean escapes = c == '\'' && i > 0 && (script.charAt(i - 1) == 'E' || script.charAt(i - 1) == 'e')
            && (i < 2 || !Character.isLetterOrDigit(script.charAt(i - 2)));
        int j = i + 1;
        while (j < n) {
          char d = script.charAt(j);
          if (escapes && d == '\\') {
            j += 2;
            continue;
          }
          if (d == c) {
            if (j + 1 < n && script.charAt(j + 1) == c) {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        int end = Math.min(j + 1, n);
        line += count(script, i, end);
        cur.append(script, i, end);
        i = end;
        continue;
      }
      if (c == '$') {
        String tag = dollarTag(script, i);
        if (tag != null) {
          int close = script.indexOf(tag, i + tag.length());
          int end = close < 0 ? n : close + tag.length();
          line += count(script, i, end);
          cur.append(script, i, end);
          i = end;
          continue;
        }
      }
      if (c == ';') {
        add(out, cur, startLine);
        cur.setLength(0);
        startLine = -1;
        i++;
        continue;
      }
      if (c == '\n') {
        line++;
      }
      cur.append(c);
      i++;
    }
    add(out, cur, startLine);
    return out;
  }

  private static void add(List<Statement> out, StringBuilder cur, int line) {
    String s = cur.toString().strip();
    if (!s.isEmpty() && !onlyComments(s)) {
      out.add(new Statement(s, line < 0 ? 1 : line));
    }
  }

  private static boolean onlyComments(String s) {
    for (String l : s.split("\n")) {
      String t = l.strip();
      if (!t.isEmpty() && !t.startsWith("--")) {
        return t.startsWith("/*") && t.endsWith("*/") && s.indexOf('\n') < 0;
      }
    }
    return true;
  }

  /** A dollar-quote opening tag such as {@code $$} or {@code $body$} at {@code i}, or null. */
  private static String dollarTag(String s, int i) {
    if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_')) {
      return null;
    }
    int j = i + 1;
    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
      j++;
    }
    if (j < s.length() && s.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(s.charAt(i + 1)))) {
      return s.substring(i, j + 1);
    }
    return null;
  }

  private static int count(String s, int from, int to) {
    int k = 0;
    for (int i = from; i < Math.min(to, s.length()); i++) {
      if (s.charAt(i) == '\n') {
        k++;
      }
    }
    return k;
  }
}
