package dev.lockplane.internal.mask;

import dev.lockplane.golden.FakeKind;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.internal.sql.Identifiers;
import java.util.List;
import java.util.Set;

/**
 * The SQL that masks: session functions created in {@code pg_temp} of each masking connection, and
 * the expression of each rule. Everything is computed inside PostgreSQL with built-ins only
 * ({@code sha256()}, PostgreSQL 11 and later, and PL/pgSQL), since pgcrypto may not be installed.
 *
 * <p>Every value is derived from {@code sha256(key ‖ seed ‖ purpose ‖ value)}: the key is set once
 * per session as the setting {@value #KEY_SETTING} through a bind parameter, so it appears neither
 * in statement text nor in function bodies. Integer keys are hashed through a keyed Feistel
 * permutation (cycle-walking keeps non-negative values non-negative), which is a bijection: distinct
 * keys stay distinct, so primary keys and unique indexes hold.
 */
final class MaskSql {
  /** The session setting that holds the key while masking runs. */
  static final String KEY_SETTING = "lockplane.mask_key";

  static final Set<String> TEXT = Set.of("text", "varchar", "bpchar", "citext", "name");
  static final Set<String> INTEGERS = Set.of("int2", "int4", "int8");
  static final Set<String> DATES = Set.of("date", "timestamp", "timestamptz");
  static final Set<String> ADDRESSES = Set.of("inet", "cidr");

  private static final String FIRST = "ARRAY['Alice','Bruno','Chloe','Daniel','Emma','Farid','Grace','Hugo','Ines','Jonas',"
      + "'Kira','Liam','Maya','Noah','Olga','Pablo','Quinn','Rosa','Samir','Tara','Ugo','Vera','Wen','Xavier','Yara','Zeno']";
  private static final String LAST = "ARRAY['Adams','Bauer','Costa','Dubois','Evans','Fischer','Garcia','Hansen','Ivanova',"
      + "'Jensen','Kowalski','Lopez','Moreau','Nakamura','Olsen','Petrov','Quist','Rossi','Silva','Tanaka','Ueda','Varga',"
      + "'Weber','Xu','Yilmaz','Zhang']";
  private static final String STREETS = "ARRAY['Oak','Elm','Maple','Cedar','Pine','Birch','Willow','Ash','Lake','Hill',"
      + "'River','Park','Mill','Church','Station','Garden']";
  private static final String STREET_TYPES = "ARRAY['Street','Road','Avenue','Lane','Way','Drive','Court','Place']";
  private static final String CITIES = "ARRAY['Springfield','Riverton','Lakeside','Fairview','Greenville','Ashford',"
      + "'Brookfield','Clearwater','Dunmore','Eastwood','Fernhill','Glenrock','Highbury','Ironbridge','Kingsport','Millbrook']";

  private MaskSql() {}

  /**
   * The functions one masking session needs, in {@code pg_temp} so that nothing is left in the
   * golden's catalogs once the session ends.
   *
   * @param seed the masking's seed
   */
  static List<String> functions(long seed) {
    String s = Identifiers.literal(Long.toString(seed));
    return List.of(
        // 64 hex digits keyed by the session's key, the seed and a purpose
        "CREATE FUNCTION pg_temp.lp_h(v text, purpose text) RETURNS text LANGUAGE sql STABLE STRICT AS $f$"
            + " SELECT encode(sha256(convert_to(current_setting('" + KEY_SETTING + "') || chr(31) || " + s
            + " || chr(31) || purpose || chr(31) || v, 'UTF8')), 'hex') $f$",
        // 32 bits of a hash, from hex digit i (1-based), as a non-negative bigint
        "CREATE FUNCTION pg_temp.lp_n(h text, i int) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $f$"
            + " SELECT ('x' || substr(h, i, 8))::bit(32)::bigint $f$",
        "CREATE FUNCTION pg_temp.lp_pick(h text, i int, words text[]) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$"
            + " SELECT words[1 + pg_temp.lp_n(h, i) % array_length(words, 1)] $f$",
        "CREATE FUNCTION pg_temp.lp_digits(h text, i int, n int) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$"
            + " SELECT lpad((pg_temp.lp_n(h, i) % (10 ^ n)::bigint)::text, n, '0') $f$",
        // a keyed permutation of [0, 2^bits): a balanced Feistel network on 2 * ceil(bits / 2) bits,
        // cycle-walked back into the domain; a bijection, so distinct keys stay distinct
        """
        CREATE FUNCTION pg_temp.lp_permute(v numeric, bits int) RETURNS numeric LANGUAGE plpgsql STABLE STRICT AS $f$
        DECLARE
          half int := (bits + 1) / 2;
          m numeric := 2::numeric ^ half;
          x numeric := v;
          l numeric; r numeric; t numeric;
        BEGIN
          LOOP
            l := floor(x / m); r := x - l * m;
            FOR round IN 1..4 LOOP
              t := r;
              r := (l + ('x' || substr(pg_temp.lp_h(r::text, 'feistel' || round || '/' || bits), 1, 16))::bit(64)::bigint::numeric)
                   % m;
              IF r < 0 THEN r := r + m; END IF;
              l := t;
            END LOOP;
            x := l * m + r;
            EXIT WHEN x < 2::numeric ^ bits;
          END LOOP;
          RETURN x;
        END $f$""");
  }

  /** The keyed permutation of an integer column of the given width, negative values kept negative. */
  private static String permute(String v, int bits) {
    String cast = bits == 16 ? "smallint" : bits == 32 ? "integer" : "bigint";
    int domain = bits - 1;
    return "(CASE WHEN " + v + " >= 0 THEN pg_temp.lp_permute(" + v + "::numeric, " + domain + ")"
        + " ELSE -pg_temp.lp_permute(-(" + v + "::numeric) - 1, " + domain + ") - 1 END)::" + cast;
  }

  /**
   * Returns the expression a rule writes into a column; {@code null} for rules that are not an
   * expression of the row (keep, shuffle).
   *
   * @param rule the rule
   * @param col the column
   */
  static String expression(MaskRule rule, MaskSchema.Column col) {
    String v = Identifiers.quote(col.name());
    String asText = v + "::text";
    if (rule instanceof MaskRule.Keep || rule instanceof MaskRule.Shuffle) {
      return null;
    }
    if (rule instanceof MaskRule.SetNull) {
      return "NULL";
    }
    if (rule instanceof MaskRule.Constant k) {
      return "CAST(" + Identifiers.literal(k.value()) + " AS " + col.formatted() + ")";
    }
    if (rule instanceof MaskRule.Sql q) {
      return "(" + q.expression() + ")";
    }
    if (rule instanceof MaskRule.Partial p) {
      return "repeat('*', greatest(length(" + v + ") - " + p.keepLast() + ", 0)) || right(" + v + ", " + p.keepLast() + ")";
    }
    if (rule instanceof MaskRule.Hash) {
      return switch (col.type()) {
        case "int2" -> permute(v, 16);
        case "int4" -> permute(v, 32);
        case "int8" -> permute(v, 64);
        case "uuid" -> "left(pg_temp.lp_h(" + asText + ", 'hash'), 32)::uuid";
        case "bytea" -> "decode(pg_temp.lp_h(encode(" + v + ", 'hex'), 'hash'), 'hex')";
        default -> "left(pg_temp.lp_h(" + asText + ", 'hash'), 32)";
      };
    }
    MaskRule.Fake f = (MaskRule.Fake) rule;
    String h = "pg_temp.lp_h(" + asText + ", " + Identifiers.literal("fake/" + f.kind().fileName()) + ")";
    // OFFSET 0 keeps the planner from pulling the hash up into every place that uses it
    return "(SELECT " + fake(f, col, "lp_hash") + " FROM (SELECT " + h + " AS lp_hash OFFSET 0) AS lp_h)";
  }

  /** The fake of a kind over the hash {@code h} (64 hex digits) of the value. */
  private static String fake(MaskRule.Fake f, MaskSchema.Column col, String h) {
    boolean unique = col.unique();
    String suffix = "left(" + h + ", 16)";
    String first = "pg_temp.lp_pick(" + h + ", 17, " + FIRST + ")";
    String last = "pg_temp.lp_pick(" + h + ", 25, " + LAST + ")";
    String text = switch (f.kind()) {
      case FIRST_NAME -> first + (unique ? " || ' ' || " + suffix : "");
      case LAST_NAME -> last + (unique ? " || ' ' || " + suffix : "");
      case FULL_NAME -> first + " || ' ' || " + last + (unique ? " || ' ' || " + suffix : "");
      case EMAIL -> "lower(" + first + ") || '.' || lower(" + last + ") || '.' || "
          + (unique ? suffix : "left(" + h + ", 8)") + " || '@example.com'";
      case PHONE -> "'+1-555-' || pg_temp.lp_digits(" + h + ", 33, 3) || '-' || pg_temp.lp_digits(" + h + ", 41, 4)"
          + (unique ? " || ' x' || pg_temp.lp_digits(" + h + ", 1, 6) || pg_temp.lp_digits(" + h + ", 9, 6)" : "");
      case STREET_ADDRESS -> "(1 + pg_temp.lp_n(" + h + ", 33) % 999)::text || ' ' || pg_temp.lp_pick(" + h + ", 41, "
          + STREETS + ") || ' ' || pg_temp.lp_pick(" + h + ", 49, " + STREET_TYPES + ")"
          + (unique ? " || ' #' || " + suffix : "");
      case CITY -> "pg_temp.lp_pick(" + h + ", 33, " + CITIES + ")" + (unique ? " || ' ' || " + suffix : "");
      case POSTCODE -> "pg_temp.lp_digits(" + h + ", 33, 5)" + (unique ? " || '-' || " + suffix : "");
      case IBAN -> "(SELECT 'DE' || lpad((98 - ((b || '131400')::numeric % 97))::text, 2, '0') || b FROM (SELECT "
          + "pg_temp.lp_digits(" + h + ", 1, 6) || pg_temp.lp_digits(" + h + ", 9, 6) || pg_temp.lp_digits(" + h
          + ", 17, 6) AS b OFFSET 0) AS lp_b)";
      case CREDIT_CARD -> luhn("'4' || pg_temp.lp_digits(" + h + ", 1, 7) || pg_temp.lp_digits(" + h + ", 9, 7)"
          + (unique ? " || pg_temp.lp_digits(" + h + ", 17, 3)" : ""), unique ? 18 : 15);
      case IP_ADDRESS -> unique
          ? "'fd' || substr(" + h + ", 1, 2) || ':' || substr(" + h + ", 3, 4) || ':' || substr(" + h + ", 7, 4) || ':'"
              + " || substr(" + h + ", 11, 4) || ':' || substr(" + h + ", 15, 4) || ':' || substr(" + h + ", 19, 4) || ':'"
              + " || substr(" + h + ", 23, 4) || ':' || substr(" + h + ", 27, 4)"
          : "'10.' || pg_temp.lp_n(" + h + ", 1) % 256 || '.' || pg_temp.lp_n(" + h + ", 9) % 256 || '.' || pg_temp.lp_n("
              + h + ", 17) % 256";
      case DATE_OF_BIRTH -> null;
    };
    if (f.kind() == FakeKind.DATE_OF_BIRTH) {
      String days = "(pg_temp.lp_n(" + h + ", 1) % " + (2 * f.rangeDays() + 1) + " - " + f.rangeDays() + ")::int";
      return "date".equals(col.type()) ? Identifiers.quote(col.name()) + " + " + days
          : Identifiers.quote(col.name()) + " + make_interval(days => " + days + ")";
    }
    return ADDRESSES.contains(col.type()) ? "(" + text + ")::" + col.type() : text;
  }

  /**
   * Appends the Luhn check digit to {@code length} digits, unrolled into one expression: a loop in
   * PL/pgSQL costs several times more per row. From the right, every other digit is doubled and its
   * digits summed, which {@code translate} does in one step.
   */
  private static String luhn(String payload, int length) {
    StringBuilder sum = new StringBuilder();
    for (int i = 1; i <= length; i++) {
      String digit = "substr(lp_p, " + (length - i + 1) + ", 1)";
      sum.append(i > 1 ? " + " : "").append(i % 2 == 1 ? "translate(" + digit + ", '0123456789', '0246813579')::int"
          : digit + "::int");
    }
    return "(SELECT lp_p || ((10 - (" + sum + ") % 10) % 10)::text FROM (SELECT " + payload + " AS lp_p OFFSET 0) AS lp_l)";
  }

  /** The longest text a fake of a kind writes (so {@code varchar(n)} columns can be checked). */
  static int maxLength(FakeKind kind, boolean unique) {
    return switch (kind) {
      case FIRST_NAME, LAST_NAME -> unique ? 8 + 17 : 8;
      case FULL_NAME -> unique ? 17 + 17 : 17;
      case EMAIL -> 8 + 1 + 8 + 1 + (unique ? 16 : 8) + 12;
      case PHONE -> unique ? 15 + 14 : 15;
      case STREET_ADDRESS -> unique ? 22 + 18 : 22;
      case CITY -> unique ? 11 + 17 : 11;
      case POSTCODE -> unique ? 5 + 17 : 5;
      case IBAN -> 22;
      case CREDIT_CARD -> unique ? 19 : 16;
      case IP_ADDRESS -> unique ? 39 : 15;
      case DATE_OF_BIRTH -> 0;
    };
  }
}
