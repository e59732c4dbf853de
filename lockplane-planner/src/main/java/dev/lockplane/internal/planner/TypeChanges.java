package dev.lockplane.internal.planner;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a column type change does to the values already stored (PostgreSQL type names as {@code
 * format_type} prints them). A change is lossy when the conversion rounds or cuts values that it
 * accepts: such a step is destructive. Conversions that reject a value fail the plan instead, which
 * loses nothing.
 */
public final class TypeChanges {
  private static final Pattern MODIFIERS = Pattern.compile("^([a-z ]+?)\\s*(?:\\((\\d+)(?:,\\s*(\\d+))?\\))?(\\[\\])*$");

  private TypeChanges() {}

  private record Parsed(String base, Integer p, Integer s) {}

  private static Parsed parse(String type) {
    Matcher m = MODIFIERS.matcher(type.toLowerCase(Locale.ROOT).strip());
    if (!m.matches()) {
      return new Parsed(type.toLowerCase(Locale.ROOT), null, null);
    }
    return new Parsed(m.group(1).strip(), m.group(2) == null ? null : Integer.valueOf(m.group(2)),
        m.group(3) == null ? null : Integer.valueOf(m.group(3)));
  }

  /** Whether both types hold strings, so that the change needs no explicit cast. */
  public static boolean bothStrings(String from, String to) {
    return isString(parse(from).base()) && isString(parse(to).base()) && from.endsWith("[]") == to.endsWith("[]");
  }

  /**
   * Whether a foreign key can join columns of these two types (PostgreSQL needs an equality
   * operator of the referenced key's operator family): the same type, two integer types, or two
   * string types. Anything else is treated as not comparable, which only costs a re-added key.
   */
  public static boolean comparable(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    if (a.endsWith("[]") != b.endsWith("[]")) {
      return false;
    }
    String x = parse(a).base();
    String y = parse(b).base();
    return x.equals(y) || (isInteger(x) && isInteger(y)) || (isString(x) && isString(y));
  }

  private static boolean isInteger(String base) {
    return base.equals("smallint") || base.equals("integer") || base.equals("bigint");
  }

  private static boolean isString(String base) {
    return base.equals("text") || base.equals("character varying") || base.equals("character");
  }

  /**
   * Why converting the values of {@code from} to {@code to} may change some of them, or null when
   * it keeps them (or fails on those it cannot keep).
   */
  public static String lossy(String from, String to) {
    if (from.equals(to)) {
      return null;
    }
    Parsed f = parse(from);
    Parsed t = parse(to);
    boolean fromFloat = f.base().equals("real") || f.base().equals("double precision");
    boolean fromExact = f.base().equals("numeric");
    switch (t.base()) {
      case "smallint", "integer", "bigint":
        return fromFloat || fromExact ? "rounds fractions" : null;
      case "real":
        return fromExact || f.base().equals("double precision") || f.base().equals("bigint")
            || f.base().equals("integer") ? "keeps about 6 significant digits" : null;
      case "double precision":
        return fromExact || f.base().equals("bigint") ? "keeps about 15 significant digits" : null;
      case "numeric":
        if (t.p() == null) {
          return null;
        }
        int targetScale = t.s() == null ? 0 : t.s();
        if (fromFloat || (fromExact && (f.s() == null || f.s() > targetScale))) {
          return "rounds to " + targetScale + " decimal place(s)";
        }
        return null;
      case "date":
        return f.base().startsWith("timestamp") ? "drops the time of day" : null;
      case "time without time zone", "time with time zone":
        return f.base().startsWith("timestamp") ? "drops the date" : null;
      default:
        return null;
    }
  }
}
