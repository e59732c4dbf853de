package dev.lockplane.internal.planner.pg;

import static dev.lockplane.internal.planner.Rows.blankToNull;
import static dev.lockplane.internal.planner.Rows.bool;
import static dev.lockplane.internal.planner.Rows.lng;
import static dev.lockplane.internal.planner.Rows.str;
import static dev.lockplane.internal.planner.Rows.strings;

import dev.lockplane.internal.planner.Rows;
import dev.lockplane.internal.planner.TableBuilder;
import dev.lockplane.schema.Column;
import dev.lockplane.schema.CompositeType;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.DatabaseSchema;
import dev.lockplane.schema.Dialect;
import dev.lockplane.schema.Domain;
import dev.lockplane.schema.EnumType;
import dev.lockplane.schema.Extension;
import dev.lockplane.schema.Index;
import dev.lockplane.schema.PartitionColumn;
import dev.lockplane.schema.Policy;
import dev.lockplane.schema.Routine;
import dev.lockplane.schema.Sequence;
import dev.lockplane.schema.Table;
import dev.lockplane.schema.Trigger;
import dev.lockplane.schema.View;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Reads a PostgreSQL database into the schema model through the system catalogs: one query per
 * object kind, whatever the number of tables. System schemas, extension members and Lockplane's own
 * schema are left out.
 */
public final class PgIntrospector {
  /** The schema that holds Lockplane's history table; never part of a user's model. */
  public static final String OWN_SCHEMA = "lockplane";

  private static final String USER_NS = " n.nspname NOT IN ('pg_catalog', 'information_schema', '"
      + OWN_SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_%' ";

  private static String notExtensionMember(String catalog, String oid) {
    return " NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + catalog
        + "'::regclass AND e.objid = " + oid + " AND e.deptype = 'e') ";
  }

  private PgIntrospector() {}

  public static DatabaseSchema introspect(Connection connection) {
    try (Handle h = Rows.borrow(connection)) {
      List<String> schemas = h.createQuery("SELECT n.nspname FROM pg_namespace n WHERE" + USER_NS
              + "AND" + notExtensionMember("pg_namespace", "n.oid") + "ORDER BY 1")
          .mapTo(String.class).list();
      List<Extension> extensions = h.createQuery("SELECT x.extname, n.nspname FROM pg_extension x "
              + "JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql' ORDER BY 1")
          .mapToMap().list().stream().map(r -> new Extension(str(r, "extname"), str(r, "nspname")))
          .toList();
      Map<String, TableBuilder> tables = tables(h);
      columns(h, tables);
      partitionColumns(h, tables);
      constraints(h, tables);
      Map<String, List<Index>> indexes = indexes(h);
      triggers(h, tables);
      policies(h, tables);
      List<Table> tableList = new ArrayList<>();
      for (Map.Entry<String, TableBuilder> e : tables.entrySet()) {
        tableList.add(e.getValue().build(indexes.getOrDefault(e.getKey(), List.of())));
      }
      return new DatabaseSchema(Dialect.POSTGRESQL, schemas, extensions, enums(h), domains(h),
          composites(h), sequences(h), tableList, views(h, indexes), routines(h), unmanaged(h),
          PgDependencies.read(h));
    }
  }

  /**
   * Object kinds the model does not hold, one query each: what the planner cannot create, alter or
   * drop, so that it reports them instead of passing over them in silence.
   */
  private static final List<String[]> UNMANAGED = List.of(
      new String[] {"window function", "window functions", "SELECT p.oid::regprocedure::text FROM pg_proc p "
          + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = 'w' AND" + USER_NS
          + "AND" + notExtensionMember("pg_proc", "p.oid")},
      new String[] {"cast", "casts", "SELECT format('(%s AS %s)', c.castsource::regtype, c.casttarget::regtype) "
          + "FROM pg_cast c WHERE c.oid >= 16384 AND" + notExtensionMember("pg_cast", "c.oid")},
      new String[] {"operator", "operators", "SELECT o.oid::regoperator::text FROM pg_operator o "
          + "JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE" + USER_NS + "AND"
          + notExtensionMember("pg_operator", "o.oid")},
      new String[] {"foreign table", "foreign tables", "SELECT c.oid::regclass::text FROM pg_class c "
          + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'f' AND" + USER_NS + "AND"
          + notExtensionMember("pg_class", "c.oid")},
      new String[] {"publication", "publications", "SELECT quote_ident(p.pubname) FROM pg_publication p"},
      new String[] {"event trigger", "event triggers", "SELECT quote_ident(ev.evtname) FROM pg_event_trigger ev WHERE"
          + notExtensionMember("pg_event_trigger", "ev.oid")},
      new String[] {"table inheritance", "table inheritances", "SELECT i.inhrelid::regclass::text || ' inherits '"
          + " || i.inhparent::regclass::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
          + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT c.relispartition AND" + USER_NS},
      new String[] {"rule", "rules", "SELECT quote_ident(r.rulename) || ' on ' || r.ev_class::regclass::text "
          + "FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE r.rulename <> '_RETURN' AND" + USER_NS + "AND" + notExtensionMember("pg_class", "c.oid")},
      new String[] {"collation", "collations", "SELECT quote_ident(n.nspname) || '.' || quote_ident(co.collname) "
          + "FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE" + USER_NS + "AND"
          + notExtensionMember("pg_collation", "co.oid")},
      new String[] {"statistics object", "statistics objects", "SELECT quote_ident(n.nspname) || '.' || "
          + "quote_ident(s.stxname) FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE"
          + USER_NS});

  private static List<String> unmanaged(Handle h) {
    List<String> out = new ArrayList<>();
    for (String[] kind : UNMANAGED) {
      List<String> names = h.createQuery(kind[2] + " ORDER BY 1").mapTo(String.class).list();
      if (!names.isEmpty()) {
        out.add(names.size() + " " + (names.size() == 1 ? kind[0] : kind[1]) + ": " + String.join(", ", names));
      }
    }
    return out;
  }

  private static List<EnumType> enums(Handle h) {
    return h.createQuery("SELECT n.nspname, t.typname, obj_description(t.oid, 'pg_type') AS comment, "
            + "ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] AS labels "
            + "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND"
            + USER_NS + "AND" + notExtensionMember("pg_type", "t.oid") + "ORDER BY 1, 2")
        .mapToMap().list().stream()
        .map(r -> new EnumType(str(r, "nspname"), str(r, "typname"), strings(r, "labels"), str(r, "comment")))
        .toList();
  }

  private static List<Domain> domains(Handle h) {
    Map<String, List<Constraint.Check>> checks = new LinkedHashMap<>();
    h.createQuery("SELECT c.contypid::regtype::text AS dom, c.conname, pg_get_constraintdef(c.oid) AS def "
            + "FROM pg_constraint c WHERE c.contypid <> 0 AND c.contype = 'c' ORDER BY 1, 2")
        .mapToMap().list().forEach(r -> checks.computeIfAbsent(str(r, "dom"), k -> new ArrayList<>())
            .add(new Constraint.Check(str(r, "conname"), checkExpression(str(r, "def")), false)));
    return h.createQuery("SELECT n.nspname, t.typname, t.oid::regtype::text AS regtype, "
            + "format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull, "
            + "pg_get_expr(t.typdefaultbin, 0) AS dflt, obj_description(t.oid, 'pg_type') AS comment, "
            + "CASE WHEN t.typcollation <> b.typcollation THEN (SELECT quote_ident(co.collname) FROM pg_collation co WHERE co.oid = t.typcollation) END AS coll "
            + "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type b ON b.oid = t.typbasetype "
            + "WHERE t.typtype = 'd' AND" + USER_NS + "AND" + notExtensionMember("pg_type", "t.oid")
            + "ORDER BY 1, 2")
        .mapToMap().list().stream()
        .map(r -> new Domain(str(r, "nspname"), str(r, "typname"), str(r, "base"), bool(r, "typnotnull"),
            str(r, "dflt"), str(r, "coll"), checks.getOrDefault(str(r, "regtype"), List.of()),
            str(r, "comment")))
        .toList();
  }

  private static List<CompositeType> composites(Handle h) {
    Map<String, List<CompositeType.Attribute>> attrs = new LinkedHashMap<>();
    Map<String, String[]> heads = new LinkedHashMap<>();
    h.createQuery("SELECT n.nspname, t.typname, obj_description(t.oid, 'pg_type') AS comment, a.attname, "
            + "format_type(a.atttypid, a.atttypmod) AS type, "
            + "CASE WHEN a.attcollation <> at.typcollation THEN (SELECT quote_ident(co.collname) FROM pg_collation co WHERE co.oid = a.attcollation) END AS coll "
            + "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid "
            + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            + "JOIN pg_type at ON at.oid = a.atttypid "
            + "WHERE t.typtype = 'c' AND c.relkind = 'c' AND" + USER_NS + "AND"
            + notExtensionMember("pg_type", "t.oid") + "ORDER BY 1, 2, a.attnum")
        .mapToMap().list().forEach(r -> {
          String key = str(r, "nspname") + "." + str(r, "typname");
          heads.putIfAbsent(key, new String[] {str(r, "nspname"), str(r, "typname"), str(r, "comment")});
          attrs.computeIfAbsent(key, k -> new ArrayList<>())
              .add(new CompositeType.Attribute(str(r, "attname"), str(r, "type"), str(r, "coll")));
        });
    List<CompositeType> out = new ArrayList<>();
    heads.forEach((k, v) -> out.add(new CompositeType(v[0], v[1], attrs.get(k), v[2])));
    return out;
  }

  private static List<Sequence> sequences(Handle h) {
    return h.createQuery("SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS type, s.seqstart, "
            + "s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, obj_description(c.oid, 'pg_class') AS comment, "
            + "(SELECT rn.nspname || '.' || rc.relname || '.' || a.attname FROM pg_depend d "
            + " JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
            + " JOIN pg_attribute a ON a.attrelid = rc.oid AND a.attnum = d.refobjsubid "
            + " WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' "
            + " AND d.refclassid = 'pg_class'::regclass) AS owned "
            + "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE" + USER_NS + "AND" + notExtensionMember("pg_class", "c.oid")
            + "AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_class'::regclass "
            + " AND i.objid = c.oid AND i.deptype = 'i') ORDER BY 1, 2")
        .mapToMap().list().stream()
        .map(r -> new Sequence(str(r, "nspname"), str(r, "relname"), str(r, "type"), lng(r, "seqstart"),
            lng(r, "seqincrement"), lng(r, "seqmin"), lng(r, "seqmax"), lng(r, "seqcache"),
            bool(r, "seqcycle"), str(r, "owned"), str(r, "comment")))
        .toList();
  }

  private static final String TABLE_FILTER = " c.relkind IN ('r', 'p') AND" + USER_NS + "AND"
      + notExtensionMember("pg_class", "c.oid");

  private static Map<String, TableBuilder> tables(Handle h) {
    Map<String, TableBuilder> out = new LinkedHashMap<>();
    h.createQuery("SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            + "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey, "
            + "CASE WHEN c.relispartition THEN (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i "
            + " JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
            + " WHERE i.inhrelid = c.oid) END AS parent, "
            + "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound, "
            + "obj_description(c.oid, 'pg_class') AS comment, c.relpersistence = 'u' AS unlogged, "
            + "ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY 1)::text[] AS opts "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE" + TABLE_FILTER + "ORDER BY 1, 2")
        .mapToMap().list().forEach(r -> {
          TableBuilder b = new TableBuilder(str(r, "nspname"), str(r, "relname"));
          b.rowSecurity = bool(r, "relrowsecurity");
          b.forceRowSecurity = bool(r, "relforcerowsecurity");
          b.partitionKey = str(r, "partkey");
          b.partitionOf = str(r, "parent");
          b.partitionBound = str(r, "bound");
          b.comment = str(r, "comment");
          b.unlogged = bool(r, "unlogged");
          b.storageParameters = strings(r, "opts");
          out.put(b.schema + "." + b.name, b);
        });
    return out;
  }

  private static void columns(Handle h, Map<String, TableBuilder> tables) {
    h.createQuery("SELECT n.nspname || '.' || c.relname AS tbl, a.attname, "
            + "format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, a.attidentity, a.attgenerated, "
            + "pg_get_expr(d.adbin, d.adrelid) AS dflt, ds.description AS comment, "
            + "(SELECT concat_ws(' ', s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache, s.seqcycle) "
            + " FROM pg_depend sd JOIN pg_sequence s ON s.seqrelid = sd.objid WHERE sd.classid = 'pg_class'::regclass "
            + " AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum AND sd.deptype = 'i' AND a.attidentity <> '') AS idseq, "
            + "CASE WHEN a.attcollation <> t.typcollation THEN (SELECT CASE WHEN cn.nspname = 'pg_catalog' "
            + " THEN quote_ident(co.collname) ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END "
            + " FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS coll, "
            // PostgreSQL 18 keeps NOT NULL as named constraints (contype 'n'); older versions have none
            + "(SELECT nn.conname FROM pg_constraint nn WHERE nn.conrelid = a.attrelid AND nn.contype = 'n'"
            + " AND nn.conkey = ARRAY[a.attnum]::int2[] LIMIT 1) AS nnname "
            + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN pg_type t ON t.oid = a.atttypid "
            + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            + "LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum "
            + "WHERE a.attnum > 0 AND NOT a.attisdropped AND NOT c.relispartition AND" + TABLE_FILTER
            + "ORDER BY a.attrelid, a.attnum")
        // Read the result set directly: with one row per column, map rows cost more than the query.
        .map((rs, ctx) -> {
          String identity = blankToNull(rs.getString("attidentity"));
          String gen = blankToNull(rs.getString("attgenerated"));
          String dflt = rs.getString("dflt");
          return Map.entry(rs.getString("tbl"), new Column(rs.getString("attname"), rs.getString("type"),
              rs.getBoolean("attnotnull"), gen == null ? dflt : null,
              identity == null ? null : "a".equals(identity) ? Column.Identity.ALWAYS : Column.Identity.BY_DEFAULT,
              gen == null ? null : dflt, rs.getString("coll"), rs.getString("comment"), null,
              IdentityOptions.of(rs.getString("type"), rs.getString("idseq")), "v".equals(gen), rs.getString("nnname")));
        })
        .forEach(e -> {
          TableBuilder t = tables.get(e.getKey());
          if (t != null) {
            t.columns.add(e.getValue());
          }
        });
  }

  /**
   * The columns of partitions whose default or NOT NULL differ from the parent's (matched by name:
   * an attached partition may order its columns otherwise). Generated and identity columns follow
   * their parent and are left out.
   */
  private static void partitionColumns(Handle h, Map<String, TableBuilder> tables) {
    h.createQuery("SELECT n.nspname || '.' || c.relname AS tbl, a.attname, a.attnotnull, "
            + "pg_get_expr(d.adbin, d.adrelid) AS dflt "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "JOIN pg_inherits i ON i.inhrelid = c.oid "
            + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            + "JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname AND NOT pa.attisdropped "
            + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            + "LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum "
            + "WHERE c.relispartition AND a.attgenerated = '' AND pa.attgenerated = '' AND a.attidentity = '' "
            + "AND pa.attidentity = '' AND (a.attnotnull <> pa.attnotnull "
            + " OR pg_get_expr(d.adbin, d.adrelid) IS DISTINCT FROM pg_get_expr(pd.adbin, pd.adrelid)) AND"
            + TABLE_FILTER + "ORDER BY 1, a.attname")
        .mapToMap().list().forEach(r -> {
          TableBuilder t = tables.get(str(r, "tbl"));
          if (t != null) {
            t.partitionColumns.add(new PartitionColumn(str(r, "attname"), str(r, "dflt"), bool(r, "attnotnull")));
          }
        });
  }

  private static void constraints(Handle h, Map<String, TableBuilder> tables) {
    h.createQuery("SELECT n.nspname || '.' || c.relname AS tbl, con.conname, con.contype, "
            + "pg_get_constraintdef(con.oid) AS def, con.condeferrable, con.condeferred, con.connoinherit, "
            + "con.confupdtype, con.confdeltype, con.confmatchtype, "
            + "ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) "
            + " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS cols, "
            + "ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) "
            + " JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS refcols, "
            + "(SELECT rn.nspname || '.' || rc.relname FROM pg_class rc JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
            + " WHERE rc.oid = con.confrelid) AS reftable, "
            + "CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END AS expr, "
            + "NOT con.convalidated AS notvalid, obj_description(con.oid, 'pg_constraint') AS comment "
            + "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conislocal AND con.conparentid = 0 AND"
            + TABLE_FILTER + "ORDER BY 1, 2")
        .mapToMap().list().forEach(r -> {
          TableBuilder t = tables.get(str(r, "tbl"));
          String name = str(r, "conname");
          String def = str(r, "def");
          boolean deferrable = bool(r, "condeferrable");
          boolean deferred = bool(r, "condeferred");
          boolean notValid = bool(r, "notvalid");
          String comment = str(r, "comment");
          Constraint c = switch (str(r, "contype")) {
            case "p" -> new Constraint.PrimaryKey(name, strings(r, "cols"), comment);
            case "u" -> new Constraint.Unique(name, strings(r, "cols"), def.contains("NULLS NOT DISTINCT"),
                deferrable, deferred, comment);
            case "f" -> new Constraint.ForeignKey(name, strings(r, "cols"), str(r, "reftable"),
                strings(r, "refcols"), action(str(r, "confupdtype")), action(str(r, "confdeltype")),
                switch (str(r, "confmatchtype")) {
                  case "f" -> "FULL";
                  case "p" -> "PARTIAL";
                  default -> "SIMPLE";
                }, deferrable, deferred, notValid, comment);
            case "c" -> new Constraint.Check(name, str(r, "expr"), bool(r, "connoinherit"), notValid, comment);
            default -> new Constraint.Exclusion(name, def, comment);
          };
          t.constraints.add(c);
        });
  }

  static String checkExpression(String def) {
    String s = def.startsWith("CHECK ") ? def.substring(6) : def;
    if (s.endsWith(" NOT VALID")) {
      s = s.substring(0, s.length() - 10);
    }
    return s;
  }

  private static String action(String code) {
    return switch (code) {
      case "r" -> "RESTRICT";
      case "c" -> "CASCADE";
      case "n" -> "SET NULL";
      case "d" -> "SET DEFAULT";
      default -> "NO ACTION";
    };
  }

  /** Indexes by owning relation (table or materialized view), excluding those behind constraints. */
  private static Map<String, List<Index>> indexes(Handle h) {
    Map<String, List<Index>> out = new LinkedHashMap<>();
    h.createQuery("SELECT n.nspname || '.' || c.relname AS tbl, ic.relname AS name, i.indisunique, am.amname, "
            + "ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN '(' || pg_get_indexdef(i.indexrelid, k, true) || ')' "
            + "  ELSE (SELECT quote_ident(ka.attname) FROM pg_attribute ka WHERE ka.attrelid = i.indrelid AND ka.attnum = i.indkey[k - 1]) END "
            // The collation when it is not the column's (or, for an expression, the type's) own.
            + "  || COALESCE((SELECT ' COLLATE ' || CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname) "
            + "   ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END "
            + "   FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = i.indcollation[k - 1] "
            + "   AND i.indcollation[k - 1] <> COALESCE((SELECT ka.attcollation FROM pg_attribute ka WHERE ka.attrelid = i.indrelid "
            + "    AND ka.attnum = i.indkey[k - 1] AND i.indkey[k - 1] <> 0), (SELECT t.typcollation FROM pg_attribute ia "
            + "    JOIN pg_type t ON t.oid = ia.atttypid WHERE ia.attrelid = i.indexrelid AND ia.attnum = k))), '') "
            // The operator class when it is not the default one for the type.
            + "  || COALESCE((SELECT ' ' || CASE WHEN on2.nspname = 'pg_catalog' THEN quote_ident(oc.opcname) "
            + "   ELSE quote_ident(on2.nspname) || '.' || quote_ident(oc.opcname) END FROM pg_opclass oc "
            + "   JOIN pg_namespace on2 ON on2.oid = oc.opcnamespace WHERE oc.oid = i.indclass[k - 1] AND NOT oc.opcdefault), '') "
            + "  || CASE WHEN am.amname <> 'btree' THEN '' "
            + "   WHEN i.indoption[k - 1] & 3 = 3 THEN ' DESC' WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC NULLS LAST' "
            + "   WHEN i.indoption[k - 1] & 2 = 2 THEN ' NULLS FIRST' ELSE '' END "
            + " FROM generate_series(1, i.indnkeyatts) k ORDER BY k)::text[] AS keys, "
            + "ARRAY(SELECT (SELECT quote_ident(ka.attname) FROM pg_attribute ka WHERE ka.attrelid = i.indrelid AND ka.attnum = i.indkey[k - 1]) FROM generate_series(i.indnkeyatts + 1, i.indnatts) k ORDER BY k)::text[] AS incl, "
            + "pg_get_expr(i.indpred, i.indrelid, true) AS pred, obj_description(ic.oid, 'pg_class') AS comment, "
            // indnullsnotdistinct exists from PostgreSQL 15 on: read it through the row's JSON.
            + "COALESCE((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nnd, "
            + "ARRAY(SELECT o FROM unnest(ic.reloptions) o ORDER BY 1)::text[] AS opts "
            + "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam "
            + "WHERE c.relkind IN ('r', 'p', 'm') AND NOT ic.relispartition AND" + USER_NS + "AND"
            + notExtensionMember("pg_class", "c.oid")
            + "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')) "
            + "ORDER BY 1, 2")
        .mapToMap().list().forEach(r -> out.computeIfAbsent(str(r, "tbl"), k -> new ArrayList<>())
            .add(new Index(str(r, "name"), bool(r, "indisunique"), str(r, "amname"), strings(r, "keys"),
                strings(r, "incl"), str(r, "pred"), str(r, "comment"), bool(r, "nnd"), strings(r, "opts"))));
    return out;
  }

  private static void triggers(Handle h, Map<String, TableBuilder> tables) {
    h.createQuery("SELECT n.nspname || '.' || c.relname AS tbl, t.tgname, pg_get_triggerdef(t.oid) AS def, "
            + "t.tgenabled <> 'D' AS enabled, obj_description(t.oid, 'pg_trigger') AS comment, "
            + "(SELECT fn.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace fn ON fn.oid = p.pronamespace WHERE p.oid = t.tgfoid) AS fn "
            + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND" + TABLE_FILTER + "ORDER BY 1, 2")
        .mapToMap().list().forEach(r -> {
          TableBuilder t = tables.get(str(r, "tbl"));
          t.triggers.add(new Trigger(str(r, "tgname"), str(r, "fn"), str(r, "def"), bool(r, "enabled"),
              str(r, "comment")));
        });
  }

  private static void policies(Handle h, Map<String, TableBuilder> tables) {
    h.createQuery("SELECT n.nspname || '.' || c.relname AS tbl, p.polname, p.polcmd, p.polpermissive, "
            + "ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r ORDER BY 1)::text[] AS roles, "
            + "pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS chk "
            + "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE" + TABLE_FILTER + "ORDER BY 1, 2")
        .mapToMap().list().forEach(r -> {
          TableBuilder t = tables.get(str(r, "tbl"));
          String cmd = switch (str(r, "polcmd")) {
            case "r" -> "SELECT";
            case "a" -> "INSERT";
            case "w" -> "UPDATE";
            case "d" -> "DELETE";
            default -> "ALL";
          };
          t.policies.add(new Policy(str(r, "polname"), cmd, bool(r, "polpermissive"), strings(r, "roles"),
              str(r, "qual"), str(r, "chk")));
        });
  }

  /** Triggers on views ({@code INSTEAD OF}), by view. */
  private static Map<String, List<Trigger>> viewTriggers(Handle h) {
    Map<String, List<Trigger>> out = new LinkedHashMap<>();
    h.createQuery("SELECT n.nspname || '.' || c.relname AS rel, t.tgname, pg_get_triggerdef(t.oid) AS def, "
            + "t.tgenabled <> 'D' AS enabled, obj_description(t.oid, 'pg_trigger') AS comment, "
            + "(SELECT fn.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace fn ON fn.oid = p.pronamespace WHERE p.oid = t.tgfoid) AS fn "
            + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE NOT t.tgisinternal AND c.relkind IN ('v', 'm') AND" + USER_NS + "ORDER BY 1, 2")
        .mapToMap().list().forEach(r -> out.computeIfAbsent(str(r, "rel"), k -> new ArrayList<>())
            .add(new Trigger(str(r, "tgname"), str(r, "fn"), str(r, "def"), bool(r, "enabled"), str(r, "comment"))));
    return out;
  }

  private static List<View> views(Handle h, Map<String, List<Index>> indexes) {
    Map<String, List<Trigger>> triggers = viewTriggers(h);
    return h.createQuery("SELECT n.nspname, c.relname, c.relkind = 'm' AS mat, pg_get_viewdef(c.oid, true) AS def, "
            + "obj_description(c.oid, 'pg_class') AS comment, "
            + "ARRAY(SELECT DISTINCT rn.nspname || '.' || rc.relname FROM pg_rewrite rw "
            + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass "
            + " JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
            + " WHERE rw.ev_class = c.oid AND d.refobjid <> c.oid ORDER BY 1)::text[] AS deps "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND"
            + USER_NS + "AND" + notExtensionMember("pg_class", "c.oid") + "ORDER BY 1, 2")
        .mapToMap().list().stream()
        .map(r -> new View(str(r, "nspname"), str(r, "relname"), bool(r, "mat"), str(r, "def"),
            strings(r, "deps"), indexes.getOrDefault(str(r, "nspname") + "." + str(r, "relname"), List.of()),
            str(r, "comment"), triggers.getOrDefault(str(r, "nspname") + "." + str(r, "relname"), List.of())))
        .toList();
  }

  private static List<Routine> routines(Handle h) {
    List<Routine> all = new ArrayList<>(functionsAndProcedures(h));
    all.addAll(PgAggregates.list(h, USER_NS, notExtensionMember("pg_proc", "p.oid")));
    all.sort(Comparator.comparing(Routine::signature));
    return List.copyOf(all);
  }

  private static List<Routine> functionsAndProcedures(Handle h) {
    return h.createQuery("SELECT n.nspname, p.proname, p.prokind, pg_get_function_identity_arguments(p.oid) AS args, "
            + "CASE WHEN p.prokind = 'f' THEN pg_get_function_result(p.oid) END AS result, "
            + "pg_get_functiondef(p.oid) AS def, obj_description(p.oid, 'pg_proc') AS comment "
            + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND"
            + USER_NS + "AND" + notExtensionMember("pg_proc", "p.oid") + "ORDER BY 1, 2, 4")
        .mapToMap().list().stream()
        .map(r -> new Routine(str(r, "nspname"), str(r, "proname"),
            "p".equals(str(r, "prokind")) ? Routine.Kind.PROCEDURE : Routine.Kind.FUNCTION, str(r, "args"),
            str(r, "result"), str(r, "def").strip(), str(r, "comment")))
        .sorted(Comparator.comparing(Routine::signature))
        .toList();
  }
}
