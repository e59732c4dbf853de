package dev.lockplane.internal.planner.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of an identity column's sequence, kept in the model as the text of those that differ
 * from PostgreSQL's defaults for the column's type, so that a default identity reads as none.
 */
final class IdentityOptions {
  private IdentityOptions() {}

  private static long max(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "smallint" -> Short.MAX_VALUE;
      case "integer" -> Integer.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }

  private static long min(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "smallint" -> Short.MIN_VALUE;
      case "integer" -> Integer.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  /**
   * The non-default options, from {@code increment min max start cache cycle} as the catalog holds
   * them; null when all are the defaults or the column is no identity column.
   */
  static String of(String type, String catalog) {
    if (catalog == null) {
      return null;
    }
    String[] v = catalog.split(" ");
    long inc = Long.parseLong(v[0]);
    long lo = Long.parseLong(v[1]);
    long hi = Long.parseLong(v[2]);
    long start = Long.parseLong(v[3]);
    long cache = Long.parseLong(v[4]);
    boolean cycle = "t".equals(v[5]) || "true".equals(v[5]);
    long defaultLo = inc > 0 ? 1 : min(type);
    long defaultHi = inc > 0 ? max(type) : -1;
    List<String> out = new ArrayList<>();
    if (inc != 1) {
      out.add("INCREMENT BY " + inc);
    }
    if (lo != defaultLo) {
      out.add("MINVALUE " + lo);
    }
    if (hi != defaultHi) {
      out.add("MAXVALUE " + hi);
    }
    if (start != (inc > 0 ? lo : hi)) {
      out.add("START WITH " + start);
    }
    if (cache != 1) {
      out.add("CACHE " + cache);
    }
    if (cycle) {
      out.add("CYCLE");
    }
    return out.isEmpty() ? null : String.join(" ", out);
  }

  /** {@code SET ...} clauses for ALTER COLUMN that give the sequence exactly these options. */
  static String set(String type, String options) {
    String o = options == null ? "" : " " + options + " ";
    long inc = Long.parseLong(value(o, "INCREMENT BY", "1"));
    long lo = Long.parseLong(value(o, "MINVALUE", Long.toString(inc > 0 ? 1 : min(type))));
    long hi = Long.parseLong(value(o, "MAXVALUE", Long.toString(inc > 0 ? max(type) : -1)));
    String start = value(o, "START WITH", Long.toString(inc > 0 ? lo : hi));
    return "SET INCREMENT BY " + inc + " SET MINVALUE " + lo + " SET MAXVALUE " + hi + " SET START WITH " + start
        + " SET CACHE " + value(o, "CACHE", "1") + (o.contains(" CYCLE ") ? " SET CYCLE" : " SET NO CYCLE");
  }

  private static String value(String options, String key, String otherwise) {
    int i = options.indexOf(" " + key + " ");
    if (i < 0) {
      return otherwise;
    }
    String rest = options.substring(i + key.length() + 2);
    return rest.substring(0, rest.indexOf(' '));
  }
}
