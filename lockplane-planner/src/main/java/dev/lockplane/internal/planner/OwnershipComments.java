package dev.lockplane.internal.planner;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code -- lockplane: key=value, ...} comments from desired SQL. The SQL itself is not
 * parsed: a comment names its object with {@code on=table[.column]}, or belongs to the line it ends
 * or, alone on its line, to the next line that is not a comment — a {@code CREATE TABLE} line (the
 * table) or a column line inside one (the column, its first word). Anything else is an error with
 * the script and line, so that an annotation never silently attaches to nothing.
 */
public final class OwnershipComments {
  /** One annotation: the object ({@code schema.table} or {@code schema.table.column}) and its keys. */
  public record Annotation(String object, Map<String, List<String>> values, String where) {}

  private static final Pattern CREATE_TABLE = Pattern.compile(
      "(?i)^\\s*CREATE\\s+(?:(?:UNLOGGED|TEMP|TEMPORARY)\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([\\w.\"]+)");
  // rename hints (-- lockplane: renamed from x) and trace ignores (-- lockplane:ignore rule) are read elsewhere
  private static final Pattern MARK = Pattern.compile("--\\s*lockplane:(?!\\s*(?:renamed\\s+from|ignore)\\b)(.*)$");
  private static final Pattern NOT_A_COLUMN = Pattern.compile(
      "(?i)^\\s*(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|EXCLUDE|LIKE)\\b.*");
  /** The keys a comment may carry. */
  public static final List<String> KEYS = List.of("on", "owner", "consumers", "deprecated", "removeAfter", "reason",
      "replacement");

  private OwnershipComments() {}

  /** The annotations of one script, in order. */
  public static List<Annotation> read(String script, String sql) {
    List<Annotation> result = new ArrayList<>();
    String table = null;
    List<Object[]> pending = new ArrayList<>();
    String[] lines = sql.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher mark = MARK.matcher(line);
      boolean marked = mark.find();
      String code = marked ? line.substring(0, mark.start()) : stripComment(line);
      String where = script + " line " + (i + 1);
      Map<String, List<String>> values = marked ? values(mark.group(1), where) : null;
      if (code.isBlank()) {
        if (values != null) {
          if (values.containsKey("on")) {
            result.add(new Annotation(on(values.get("on").get(0), where), values, where));
          } else {
            pending.add(new Object[] {values, where});
          }
        }
        continue;
      }
      Matcher create = CREATE_TABLE.matcher(code);
      String subject;
      if (create.find()) {
        table = qualified(create.group(1));
        subject = table;
      } else if (table != null && !code.trim().startsWith(")") && !NOT_A_COLUMN.matcher(code).matches()) {
        subject = table + "." + identifier(code.trim().split("[\\s,(]+")[0]);
      } else {
        subject = null;
      }
      if (values != null) {
        pending.add(new Object[] {values, where});
      }
      for (Object[] p : pending) {
        @SuppressWarnings("unchecked")
        Map<String, List<String>> v = (Map<String, List<String>>) p[0];
        String object = v.containsKey("on") ? on(v.get("on").get(0), (String) p[1]) : subject;
        if (object == null) {
          throw new LockplaneException(ErrorCode.INVALID_INPUT, p[1] + ": a '-- lockplane:' comment belongs to a "
              + "CREATE TABLE line or a column of one, and this one is followed by '" + code.trim()
              + "'. Move it, or name its object with on=table or on=table.column.");
        }
        result.add(new Annotation(object, v, (String) p[1]));
      }
      pending.clear();
      // A table body ends at the line that closes it; without a depth count, ");" at the end is the sign.
      if (table != null && code.trim().endsWith(";")) {
        table = null;
      }
    }
    if (!pending.isEmpty()) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, pending.get(0)[1] + ": a '-- lockplane:' comment at the "
          + "end of the script belongs to nothing. Name its object with on=table or on=table.column.");
    }
    return result;
  }

  /** {@code a.b.c} → a column of table {@code a.b}; {@code a.b} → a table; {@code a} → {@code public.a}. */
  public static String object(String name, String where) {
    String[] parts = name.split("\\.");
    List<String> ids = new ArrayList<>();
    for (String p : parts) {
      ids.add(identifier(p));
    }
    if (ids.size() == 1) {
      ids.add(0, "public");
    }
    if (ids.size() > 3 || ids.stream().anyMatch(String::isEmpty)) {
      throw new LockplaneException(ErrorCode.INVALID_INPUT, (where == null ? "" : where + ": ") + "'" + name
          + "' is not table, schema.table or schema.table.column.");
    }
    return String.join(".", ids);
  }

  /**
   * The object of {@code on=}: {@code table} (in {@code public}), {@code table.column} (in {@code
   * public}) or {@code schema.table.column}; a table outside {@code public} is annotated on its CREATE
   * TABLE line.
   */
  static String on(String name, String where) {
    return name.split("\\.").length == 2 ? object("public." + name, where) : object(name, where);
  }

  private static String qualified(String name) {
    return object(name, null);
  }

  private static String identifier(String word) {
    String w = word.trim();
    return w.startsWith("\"") && w.endsWith("\"") && w.length() > 1 ? w.substring(1, w.length() - 1)
        : w.toLowerCase(Locale.ROOT);
  }

  private static String stripComment(String line) {
    int dash = line.indexOf("--");
    return dash < 0 ? line : line.substring(0, dash);
  }

  /**
   * {@code owner=billing, consumers=reporting, mobile, deprecated, removeAfter=2026-12-01, reason="..."}:
   * pieces split at commas outside quotes; a piece without {@code =} adds to the previous key's list.
   */
  static Map<String, List<String>> values(String text, String where) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    String last = null;
    for (String piece : split(text)) {
      String p = piece.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0 && p.equals("deprecated")) {
        values.put("deprecated", List.of());
        last = null;
        continue;
      }
      if (eq < 0) {
        if (last == null) {
          throw new LockplaneException(ErrorCode.INVALID_INPUT, where + ": '" + p + "' in a '-- lockplane:' comment is "
              + "not key=value; the keys are " + String.join(", ", KEYS) + ".");
        }
        values.get(last).add(unquote(p));
        continue;
      }
      String key = p.substring(0, eq).trim();
      if (!KEYS.contains(key)) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, where + ": unknown key '" + key + "' in a '-- lockplane:' "
            + "comment; the keys are " + String.join(", ", KEYS) + ".");
      }
      if (values.containsKey(key)) {
        throw new LockplaneException(ErrorCode.INVALID_INPUT, where + ": '" + key + "' is given twice.");
      }
      List<String> list = new ArrayList<>();
      list.add(unquote(p.substring(eq + 1).trim()));
      values.put(key, list);
      last = key.equals("consumers") ? key : null;
    }
    return values;
  }

  private static List<String> split(String text) {
    List<String> pieces = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    boolean quoted = false;
    for (char c : text.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        pieces.add(b.toString());
        b.setLength(0);
      } else {
        b.append(c);
      }
    }
    pieces.add(b.toString());
    return pieces;
  }

  private static String unquote(String s) {
    return s.length() > 1 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }
}
