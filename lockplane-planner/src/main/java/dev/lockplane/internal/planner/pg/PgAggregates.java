package dev.lockplane.internal.planner.pg;

import static dev.lockplane.internal.planner.Rows.lng;
import static dev.lockplane.internal.planner.Rows.str;

import dev.lockplane.schema.Routine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Aggregates, introspected from {@code pg_aggregate}. PostgreSQL has no {@code pg_get_functiondef}
 * for them, so the definition is built here from the catalog, every option spelled out, in one
 * layout: both sides of a diff are built by this code, so equal aggregates have equal text.
 */
public final class PgAggregates {
  private PgAggregates() {}

  /** The support-function options of a definition, as this class writes them. */
  private static final Pattern SUPPORT = Pattern.compile(
      "^    (?:M?SFUNC|M?FINALFUNC|COMBINEFUNC|SERIALFUNC|DESERIALFUNC|MINVFUNC) = (.+?),?$", Pattern.MULTILINE);

  private static String fn(String column) {
    return "(SELECT quote_ident(fn.nspname) || '.' || quote_ident(f.proname) FROM pg_proc f "
        + "JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = a." + column + ") AS " + column;
  }

  static List<Routine> list(Handle h, String userNamespaces, String notExtensionMember) {
    String sql = "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS args, "
        + "pg_get_function_arguments(p.oid) AS fullargs, pg_get_function_result(p.oid) AS result, "
        + "obj_description(p.oid, 'pg_proc') AS comment, a.aggkind, p.proparallel, "
        + fn("aggtransfn") + ", " + fn("aggfinalfn") + ", " + fn("aggcombinefn") + ", " + fn("aggserialfn") + ", "
        + fn("aggdeserialfn") + ", " + fn("aggmtransfn") + ", " + fn("aggminvtransfn") + ", " + fn("aggmfinalfn") + ", "
        + "a.aggfinalextra::text AS finalextra, a.aggmfinalextra::text AS mfinalextra, "
        + "a.aggfinalmodify::text AS finalmodify, a.aggmfinalmodify::text AS mfinalmodify, "
        + "CASE WHEN a.aggsortop <> 0 THEN (SELECT quote_ident(opn.nspname) || '.' || o.oprname FROM pg_operator o "
        + "JOIN pg_namespace opn ON opn.oid = o.oprnamespace WHERE o.oid = a.aggsortop) END AS sortop, "
        + "format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace, "
        + "CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END AS mstype, "
        + "a.aggmtransspace AS msspace, a.agginitval AS initcond, a.aggminitval AS minitcond "
        + "FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace "
        + "WHERE" + userNamespaces + "AND" + notExtensionMember + "ORDER BY 1, 2, 3";
    List<Routine> out = new ArrayList<>();
    for (Map<String, Object> r : h.createQuery(sql).mapToMap().list()) {
      out.add(new Routine(str(r, "nspname"), str(r, "proname"), Routine.Kind.AGGREGATE, str(r, "args"),
          str(r, "result"), definition(r), str(r, "comment")));
    }
    return out;
  }

  private static String definition(Map<String, Object> r) {
    List<String> opts = new ArrayList<>();
    opts.add("SFUNC = " + str(r, "aggtransfn"));
    opts.add("STYPE = " + str(r, "stype"));
    if (lng(r, "sspace") > 0) {
      opts.add("SSPACE = " + lng(r, "sspace"));
    }
    if (str(r, "aggfinalfn") != null) {
      opts.add("FINALFUNC = " + str(r, "aggfinalfn"));
      if ("true".equals(str(r, "finalextra"))) {
        opts.add("FINALFUNC_EXTRA");
      }
      opts.add("FINALFUNC_MODIFY = " + modify(str(r, "finalmodify")));
    }
    optional(opts, "COMBINEFUNC", str(r, "aggcombinefn"));
    optional(opts, "SERIALFUNC", str(r, "aggserialfn"));
    optional(opts, "DESERIALFUNC", str(r, "aggdeserialfn"));
    if (str(r, "initcond") != null) {
      opts.add("INITCOND = " + dev.lockplane.internal.sql.Identifiers.literal(str(r, "initcond")));
    }
    if (str(r, "aggmtransfn") != null) {
      opts.add("MSFUNC = " + str(r, "aggmtransfn"));
      optional(opts, "MINVFUNC", str(r, "aggminvtransfn"));
      opts.add("MSTYPE = " + str(r, "mstype"));
      if (lng(r, "msspace") > 0) {
        opts.add("MSSPACE = " + lng(r, "msspace"));
      }
      if (str(r, "aggmfinalfn") != null) {
        opts.add("MFINALFUNC = " + str(r, "aggmfinalfn"));
        if ("true".equals(str(r, "mfinalextra"))) {
          opts.add("MFINALFUNC_EXTRA");
        }
        opts.add("MFINALFUNC_MODIFY = " + modify(str(r, "mfinalmodify")));
      }
      if (str(r, "minitcond") != null) {
        opts.add("MINITCOND = " + dev.lockplane.internal.sql.Identifiers.literal(str(r, "minitcond")));
      }
    }
    if (str(r, "sortop") != null) {
      opts.add("SORTOP = OPERATOR(" + str(r, "sortop") + ")");
    }
    if ("h".equals(str(r, "aggkind"))) {
      opts.add("HYPOTHETICAL");
    }
    opts.add("PARALLEL = " + switch (String.valueOf(str(r, "proparallel"))) {
      case "s" -> "SAFE";
      case "r" -> "RESTRICTED";
      default -> "UNSAFE";
    });
    String args = str(r, "fullargs");
    return "CREATE OR REPLACE AGGREGATE " + dev.lockplane.internal.sql.Identifiers.qualified(str(r, "nspname"), str(r, "proname"))
        + "(" + (args == null || args.isEmpty() ? "*" : args) + ") (\n    " + String.join(",\n    ", opts) + "\n)";
  }

  private static void optional(List<String> opts, String name, String value) {
    if (value != null) {
      opts.add(name + " = " + value);
    }
  }

  private static String modify(String code) {
    return switch (String.valueOf(code)) {
      case "s" -> "SHAREABLE";
      case "w" -> "READ_WRITE";
      default -> "READ_ONLY";
    };
  }

  /**
   * Returns the schema-qualified names of the functions an aggregate definition (as built here)
   * names, so that it is created after them and dropped before them.
   */
  public static List<String> supportFunctions(String definition) {
    List<String> out = new ArrayList<>();
    Matcher m = SUPPORT.matcher(definition);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
