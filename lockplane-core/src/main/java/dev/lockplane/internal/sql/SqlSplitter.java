package dev.lockplane.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a SQL script (PostgreSQL or SQLite) into statements at semicolons that stand outside
 * quotes, dollar quotes, comments and statement bodies, remembering the line each statement starts
 * on. This is lexing, not parsing: the server still judges every statement.
 *
 * <p>It knows:
 *
 * <ul>
 *   <li>string literals ({@code ''} doubling, and backslash escapes in {@code E''} strings), quoted
 *       identifiers ({@code "…"}, and SQLite's {@code `…`});
 *   <li>dollar quotes ({@code $$…$$}, {@code $tag$…$tag$});
 *   <li>line comments and nested block comments: comments inside a statement stay in its text,
 *       comments before it are kept apart in {@link SqlStatement#leadingComments()};
 *   <li>bodies with semicolons of their own: PostgreSQL's {@code BEGIN ATOMIC … END} (SQL-standard
 *       function bodies, PostgreSQL 14+) and SQLite's {@code CREATE [TEMP] TRIGGER … BEGIN … END},
 *       with {@code CASE … END} nested inside;
 *   <li>semicolons inside parentheses, as in a rule's {@code DO INSTEAD (…; …)} action list;
 *   <li>{@code COPY … FROM stdin}: the lines after the statement up to a line {@code \.} are its
 *       {@linkplain SqlStatement#copyData() data}, as in a {@code pg_dump} script.
 * </ul>
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
    return new Lexer(script).run();
  }

  /** The state of one pass over a script. */
  private static final class Lexer {
    private final String s;
    private final int n;
    private final List<SqlStatement> out = new ArrayList<>();
    private final StringBuilder cur = new StringBuilder();
    private final StringBuilder lead = new StringBuilder();
    /** The first words of the current statement, upper case, to recognize triggers and COPY. */
    private final List<String> head = new ArrayList<>();
    private int line = 1;
    private int startLine = -1;
    private int i;
    /** Nesting of BEGIN/CASE … END inside a body that has semicolons of its own; 0 outside. */
    private int depth;
    /** Open parentheses: a rule's action list {@code DO INSTEAD (…; …)} has semicolons inside them. */
    private int parens;
    private String previousWord = "";
    private boolean fromStdin;

    Lexer(String script) {
      this.s = script;
      this.n = script.length();
    }

    List<SqlStatement> run() {
      while (i < n) {
        char c = s.charAt(i);
        char next = i + 1 < n ? s.charAt(i + 1) : '\0';
        if (c == '-' && next == '-') {
          int end = s.indexOf('\n', i);
          comment(end < 0 ? n : end);
        } else if (c == '/' && next == '*') {
          comment(blockCommentEnd());
        } else if (c == '\'' || c == '"' || c == '`') {
          token(quotedEnd(c));
        } else if (c == '$' && dollarTag() != null) {
          String tag = dollarTag();
          int close = s.indexOf(tag, i + tag.length());
          token(close < 0 ? n : close + tag.length());
        } else if (isWordStart(c) && (i == 0 || !isWordChar(s.charAt(i - 1)))) {
          int j = i;
          while (j < n && isWordChar(s.charAt(j))) {
            j++;
          }
          word(s.substring(i, j).toUpperCase(Locale.ROOT));
          token(j);
        } else if (c == '(' || c == ')') {
          parens += c == '(' ? 1 : -1;
          token(i + 1);
        } else if (c == ';' && depth == 0 && parens <= 0) {
          i++;
          end();
        } else if (Character.isWhitespace(c)) {
          if (c == '\n') {
            line++;
          }
          if (startLine >= 0) {
            cur.append(c);
          } else if (lead.length() > 0) {
            lead.append(c);
          }
          i++;
        } else {
          token(i + 1);
        }
      }
      end();
      return out;
    }

    /** Takes {@code s[i, end)} as a comment: part of the statement once it started, else leading. */
    private void comment(int end) {
      String text = s.substring(i, end);
      (startLine >= 0 ? cur : lead).append(text);
      countLines(text);
      i = end;
    }

    /** Takes {@code s[i, end)} as (part of) the statement. */
    private void token(int end) {
      if (startLine < 0) {
        startLine = line;
      }
      String text = s.substring(i, end);
      cur.append(text);
      countLines(text);
      i = end;
    }

    private void word(String w) {
      if (head.size() < 6) {
        head.add(w);
      }
      if (depth > 0) {
        if (w.equals("BEGIN") || w.equals("CASE")) {
          depth++;
        } else if (w.equals("END")) {
          depth--;
        }
      } else if (w.equals("ATOMIC") && previousWord.equals("BEGIN")) {
        depth = 1;
      } else if (w.equals("BEGIN") && isTrigger()) {
        depth = 1;
      }
      if (w.equals("STDIN") && previousWord.equals("FROM") && !head.isEmpty() && head.get(0).equals("COPY")) {
        fromStdin = true;
      }
      previousWord = w;
    }

    /** {@code CREATE [TEMP|TEMPORARY] TRIGGER}: SQLite's trigger, whose body is BEGIN … END. */
    private boolean isTrigger() {
      if (head.size() < 2 || !head.get(0).equals("CREATE")) {
        return false;
      }
      String second = head.get(1);
      return second.equals("TRIGGER")
          || ((second.equals("TEMP") || second.equals("TEMPORARY")) && head.size() > 2 && head.get(2).equals("TRIGGER"));
    }

    /** Ends the current statement (at a semicolon or the end of the script). */
    private void end() {
      String sql = cur.toString().strip();
      String copyData = fromStdin && !sql.isEmpty() ? readCopyData() : null;
      if (!sql.isEmpty()) {
        out.add(new SqlStatement(sql, startLine, lead.toString().strip(), copyData));
        lead.setLength(0);
      }
      cur.setLength(0);
      head.clear();
      startLine = -1;
      depth = 0;
      parens = 0;
      previousWord = "";
      fromStdin = false;
    }

    /**
     * Reads the data of {@code COPY … FROM stdin}: from the line after the statement up to a line
     * that holds only {@code \.} (or the end of the script).
     */
    private String readCopyData() {
      int eol = s.indexOf('\n', i);
      if (eol < 0) {
        i = n;
        return "";
      }
      line++;
      int p = eol + 1;
      StringBuilder data = new StringBuilder();
      while (p < n) {
        int e = s.indexOf('\n', p);
        int lineEnd = e < 0 ? n : e;
        String l = s.substring(p, lineEnd);
        p = e < 0 ? n : e + 1;
        if (e >= 0) {
          line++;
        }
        if (l.strip().equals("\\.")) {
          break;
        }
        data.append(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).append('\n');
      }
      i = p;
      return data.toString();
    }

    private int blockCommentEnd() {
      int nesting = 0;
      int j = i;
      while (j < n) {
        if (s.startsWith("/*", j)) {
          nesting++;
          j += 2;
        } else if (s.startsWith("*/", j)) {
          nesting--;
          j += 2;
          if (nesting == 0) {
            return j;
          }
        } else {
          j++;
        }
      }
      return n;
    }

    /** The end (exclusive) of the string or quoted identifier that opens at {@code i}. */
    private int quotedEnd(char quote) {
      boolean escapes = quote == '\'' && i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
          && (i < 2 || !isWordChar(s.charAt(i - 2)));
      int j = i + 1;
      while (j < n) {
        char d = s.charAt(j);
        if (escapes && d == '\\') {
          j += 2;
          continue;
        }
        if (d == quote) {
          if (j + 1 < n && s.charAt(j + 1) == quote) {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return n;
    }

    /** The dollar-quote tag ({@code $$} or {@code $name$}) that opens at {@code i}, or null. */
    private String dollarTag() {
      if (i > 0 && isWordChar(s.charAt(i - 1))) {
        return null; // a '$' inside an identifier such as a$b
      }
      int j = i + 1;
      while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
        j++;
      }
      if (j < n && s.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(s.charAt(i + 1)))) {
        return s.substring(i, j + 1);
      }
      return null;
    }

    private void countLines(String text) {
      for (int k = 0; k < text.length(); k++) {
        if (text.charAt(k) == '\n') {
          line++;
        }
      }
    }
  }

  private static boolean isWordStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
