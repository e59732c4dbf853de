package dev.lockplane.internal.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements at semicolons that stand outside quotes, dollar quotes and
 * comments, remembering the line each statement starts on. This is lexing, not parsing: the server
 * still judges every statement. {@code BEGIN ATOMIC … END} bodies (SQL-standard function bodies)
 * are kept whole.
 */
public final class SqlSplitter {
  private SqlSplitter() {}

  /**
   * Splits a script.
   *
   * @param script the script text
   * @return the non-empty statements, in order
   */
  public static List<SqlStatement> split(String script) {
    List<SqlStatement> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int line = 1;
    int startLine = -1;
    int atomicDepth = 0;
    int n = script.length();
    int i = 0;
    while (i < n) {
      char c = script.charAt(i);
      char next = i + 1 < n ? script.charAt(i + 1) : '\0';
      if (c == '-' && next == '-') {
        int end = script.indexOf('\n', i);
        end = end < 0 ? n : end;
        if (startLine >= 0) {
          cur.append(script, i, end); // comments before a statement are not part of it
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
            if (script.charAt(j) == '\n') {
              line++;
            }
            j++;
          }
        }
        if (startLine >= 0) {
          cur.append(script, i, Math.min(j, n));
        }
        i = Math.min(j, n);
        continue;
      }
      if (startLine < 0 && !Character.isWhitespace(c) && c != ';') {
        startLine = line;
      }
      if (c == '\'' || c == '"') {
        boolean escapes = c == '\'' && i > 0 && (script.charAt(i - 1) == 'E' || script.charAt(i - 1) == 'e')
            && (i < 2 || !Character.isLetterOrDigit(script.charAt(i - 2)));
        int j = i + 1;
        while (j < n) {
          char d = script.charAt(j);
          if (d == '\n') {
            line++;
          }
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
        cur.append(script, i, Math.min(j + 1, n));
        i = Math.min(j + 1, n);
        continue;
      }
      if (c == '$') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(script.charAt(j)) || script.charAt(j) == '_')) {
          j++;
        }
        boolean tagStart = i == 0 || !(Character.isLetterOrDigit(script.charAt(i - 1)) || script.charAt(i - 1) == '_');
        if (tagStart && j < n && script.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(script.charAt(i + 1)))) {
          String tag = script.substring(i, j + 1);
          int close = script.indexOf(tag, j + 1);
          int end = close < 0 ? n : close + tag.length();
          for (int k = i; k < end; k++) {
            if (script.charAt(k) == '\n') {
              line++;
            }
          }
          cur.append(script, i, end);
          i = end;
          continue;
        }
      }
      if (Character.isLetter(c) && (i == 0 || !isWordChar(script.charAt(i - 1)))) {
        int j = i;
        while (j < n && isWordChar(script.charAt(j))) {
          j++;
        }
        String word = script.substring(i, j);
        if (word.equalsIgnoreCase("atomic") && previousWordIs(cur, "begin")) {
          atomicDepth++;
        } else if (atomicDepth > 0 && (word.equalsIgnoreCase("case") || word.equalsIgnoreCase("begin"))) {
          atomicDepth++;
        } else if (atomicDepth > 0 && word.equalsIgnoreCase("end")) {
          atomicDepth--;
        }
        cur.append(word);
        i = j;
        continue;
      }
      if (c == ';' && atomicDepth == 0) {
        add(out, cur, startLine);
        cur.setLength(0);
        startLine = -1;
        i++;
        continue;
      }
      if (c == '\n') {
        line++;
      }
      if (startLine >= 0) {
        cur.append(c);
      }
      i++;
    }
    add(out, cur, startLine);
    return out;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static boolean previousWordIs(StringBuilder sb, String word) {
    int k = sb.length() - 1;
    while (k >= 0 && Character.isWhitespace(sb.charAt(k))) {
      k--;
    }
    int end = k + 1;
    while (k >= 0 && isWordChar(sb.charAt(k))) {
      k--;
    }
    return sb.substring(k + 1, end).equalsIgnoreCase(word);
  }

  private static void add(List<SqlStatement> out, StringBuilder cur, int startLine) {
    String s = cur.toString().strip();
    if (s.isEmpty() || isOnlyComments(s)) {
      return;
    }
    out.add(new SqlStatement(s, Math.max(startLine, 1)));
  }

  private static boolean isOnlyComments(String s) {
    String stripped = s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("--[^\n]*", "").strip();
    return stripped.isEmpty();
  }
}
