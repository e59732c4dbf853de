package dev.lockplane.internal.planner.pg;

import dev.lockplane.schema.Dependency;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The edges of {@code pg_depend} between objects the model manages, as {@link Dependency} keys. Each
 * end of an edge is first taken to the object the model knows: a column default or a column's type
 * to its column ({@code col:}), a view's rewrite rule to the view, a domain's CHECK to the domain, a
 * constraint's index to the constraint, an array type to its element type, an extension's member to
 * the extension. Only normal and automatic edges count; internal, extension and pinned ones say
 * that two catalog rows are one object, not that one object uses another. Left out as well:
 * <ul>
 *   <li>a column's edges to its own table (defaults and generated columns reading sibling columns):
 *       the table and its columns are changed together;
 *   <li>a sequence's automatic edge to the column that owns it ({@code OWNED BY}): the column's
 *       default depends on the sequence, and the planner sets the owner in a step of its own;
 *   <li>objects of system schemas and of Lockplane's own schema, and extension members as dependents.
 * </ul>
 */
public final class PgDependencies {
  private PgDependencies() {}

  private static final String QUERY = """
      WITH ns AS (
        SELECT n.oid, n.nspname FROM pg_namespace n
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', '%s') AND n.nspname NOT LIKE 'pg\\_%%'
      ), rels AS (
        SELECT c.oid, c.relkind, n.nspname || '.' || c.relname AS name
        FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
      ), members AS (
        SELECT e.classid, e.objid, 'ext:' || x.extname AS key
        FROM pg_depend e JOIN pg_extension x ON x.oid = e.refobjid
        WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e' AND x.oid >= 16384
      ), constraint_indexes AS (
        SELECT DISTINCT ON (k.conindid) k.conindid, 'con:' || t.name || '.' || k.conname AS key
        FROM pg_constraint k JOIN rels t ON t.oid = k.conrelid
        WHERE k.contype IN ('p', 'u', 'x') ORDER BY k.conindid, k.oid
      ), objects(classid, objid, key, rel, relkind) AS (
        SELECT 'pg_class'::regclass::oid, r.oid, CASE
            WHEN r.relkind IN ('r', 'p', 'v', 'm', 'f') THEN 'rel:' || r.name
            WHEN r.relkind = 'S' THEN 'seq:' || r.name
            WHEN r.relkind = 'c' THEN 'type:' || r.name
            ELSE COALESCE(ci.key, 'idx:' || r.name) END, r.oid, r.relkind
        FROM rels r LEFT JOIN constraint_indexes ci ON ci.conindid = r.oid
        WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c', 'i', 'I')
        UNION ALL
        SELECT 'pg_type'::regclass::oid, t.oid, CASE WHEN br.relkind IN ('v', 'm', 'f')
            THEN 'rel:' || n.nspname || '.' || br.relname ELSE 'type:' || n.nspname || '.' || b.typname END, NULL::oid,
            NULL::"char"
        FROM pg_type t
        LEFT JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
        JOIN pg_type b ON b.oid = COALESCE(e.oid, t.oid)
        JOIN ns n ON n.oid = b.typnamespace
        LEFT JOIN pg_class br ON br.oid = b.typrelid
        UNION ALL
        SELECT 'pg_proc'::regclass::oid, p.oid, 'fn:' || n.nspname || '.' || p.proname, NULL, NULL
        FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace
        UNION ALL
        SELECT 'pg_namespace'::regclass::oid, n.oid, 'schema:' || n.nspname, NULL, NULL FROM ns n
        UNION ALL
        SELECT 'pg_extension'::regclass::oid, x.oid, 'ext:' || x.extname, NULL, NULL FROM pg_extension x WHERE x.oid >= 16384
        UNION ALL
        SELECT 'pg_constraint'::regclass::oid, k.oid, CASE WHEN k.contypid <> 0
            THEN 'type:' || n.nspname || '.' || ty.typname ELSE 'con:' || t.name || '.' || k.conname END, k.conrelid, NULL
        FROM pg_constraint k
        LEFT JOIN rels t ON t.oid = k.conrelid
        LEFT JOIN pg_type ty ON ty.oid = k.contypid
        LEFT JOIN ns n ON n.oid = ty.typnamespace
        WHERE t.oid IS NOT NULL OR n.oid IS NOT NULL
        UNION ALL
        SELECT 'pg_attrdef'::regclass::oid, d.oid, CASE WHEN t.relkind IN ('r', 'p', 'f')
            THEN 'col:' || t.name || '.' || a.attname ELSE 'rel:' || t.name END, d.adrelid, NULL
        FROM pg_attrdef d JOIN rels t ON t.oid = d.adrelid
        JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        UNION ALL
        SELECT 'pg_rewrite'::regclass::oid, w.oid, 'rel:' || t.name, w.ev_class, NULL
        FROM pg_rewrite w JOIN rels t ON t.oid = w.ev_class WHERE w.rulename = '_RETURN'
        UNION ALL
        SELECT 'pg_trigger'::regclass::oid, g.oid, 'trg:' || t.name || '.' || g.tgname, g.tgrelid, NULL
        FROM pg_trigger g JOIN rels t ON t.oid = g.tgrelid WHERE NOT g.tgisinternal
        UNION ALL
        SELECT 'pg_policy'::regclass::oid, p.oid, 'pol:' || t.name || '.' || p.polname, p.polrelid, NULL
        FROM pg_policy p JOIN rels t ON t.oid = p.polrelid
      )
      SELECT DISTINCT CASE WHEN d.classid = 'pg_class'::regclass AND d.objsubid > 0 AND o.relkind IN ('r', 'p', 'f')
              THEN 'col:' || substr(o.key, 5) || '.' || a.attname ELSE o.key END AS object,
          COALESCE(mr.key, r.key) AS depends_on
      FROM pg_depend d
      JOIN objects o ON o.classid = d.classid AND o.objid = d.objid
      LEFT JOIN objects r ON r.classid = d.refclassid AND r.objid = d.refobjid
      LEFT JOIN members mr ON mr.classid = d.refclassid AND mr.objid = d.refobjid
      LEFT JOIN pg_attribute a ON d.classid = 'pg_class'::regclass AND a.attrelid = d.objid AND a.attnum = d.objsubid
      WHERE d.deptype IN ('n', 'a')
        AND COALESCE(mr.key, r.key) IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM members mo WHERE mo.classid = d.classid AND mo.objid = d.objid)
        AND NOT ((d.classid = 'pg_attrdef'::regclass OR (d.classid = 'pg_class'::regclass AND d.objsubid > 0))
            AND d.refclassid = 'pg_class'::regclass AND d.refobjid = o.rel)
        AND NOT (d.deptype = 'a' AND o.key LIKE 'seq:%%')
      """;

  /**
   * Reads the edges.
   *
   * @param h a handle on the database
   * @return the edges, without an object's edges to itself
   */
  public static List<Dependency> read(Handle h) {
    return h.createQuery(String.format(QUERY, PgIntrospector.OWN_SCHEMA)).mapToMap().list().stream()
        .map(r -> new Dependency((String) r.get("object"), (String) r.get("depends_on")))
        .filter(d -> !d.object().equals(d.dependsOn()))
        .toList();
  }
}
