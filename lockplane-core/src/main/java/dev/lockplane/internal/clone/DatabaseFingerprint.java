package dev.lockplane.internal.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A text describing everything a test could observe of a database: its schema, every table's rows,
 * its sequences, its settings and record, its large objects and its prepared transactions. Two
 * databases with equal fingerprints are indistinguishable to a test (up to the physical order of
 * rows and the planner's statistics). Meant for small databases: it reads every row.
 */
public final class DatabaseFingerprint {
  private static final String USER_NS = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

  private static final List<String> SCHEMA = List.of(
      "SELECT 'schema ' || n.nspname || ' ' || pg_get_userbyid(n.nspowner) || ' ' || coalesce(n.nspacl::text, '')"
          + " FROM pg_namespace n WHERE " + USER_NS,
      "SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relpersistence::text || ' '"
          + " || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '') || ' ' || coalesce(array_to_string(c.reloptions, ','), '')"
          + " || ' ' || c.relrowsecurity || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '')"
          + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_NS,
      "SELECT 'column ' || c.oid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '"
          + " || a.attnotnull || ' ' || a.attnum || ' ' || a.attidentity::text || a.attgenerated::text || ' '"
          + " || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' ' || coalesce(a.attacl::text, '')"
          + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
          + " WHERE a.attnum > 0 AND NOT a.attisdropped AND " + USER_NS,
      "SELECT 'constraint ' || k.conrelid::regclass || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)"
          + " FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE " + USER_NS,
      "SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_NS,
      "SELECT 'view ' || c.oid::regclass || ' ' || pg_get_viewdef(c.oid) FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND " + USER_NS,
      "SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text FROM pg_trigger t WHERE NOT t.tgisinternal",
      "SELECT 'function ' || p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p"
          + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND " + USER_NS,
      "SELECT 'type ' || t.oid::regtype || ' ' || t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
          + " WHERE t.typrelid = 0 AND t.typelem = 0 AND " + USER_NS,
      "SELECT 'enum ' || e.enumtypid::regtype || ' ' || e.enumlabel || ' ' || e.enumsortorder FROM pg_enum e",
      "SELECT 'extension ' || extname || ' ' || extversion FROM pg_extension",
      "SELECT 'event trigger ' || evtname || ' ' || evtevent || ' ' || evtenabled::text FROM pg_event_trigger",
      "SELECT 'policy ' || polrelid::regclass || ' ' || polname FROM pg_policy",
      "SELECT 'rule ' || r.ev_class::regclass || ' ' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND " + USER_NS,
      "SELECT 'publication ' || pubname FROM pg_publication",
      "SELECT 'database ' || datconnlimit || ' ' || datallowconn || ' ' || datistemplate || ' '"
          + " || coalesce(datacl::text, '') || ' ' || pg_get_userbyid(datdba) || ' ' || pg_encoding_to_char(encoding)"
          + " FROM pg_database WHERE datname = current_database()",
      "SELECT 'setting ' || coalesce(pg_get_userbyid(s.setrole), '') || ' ' || array_to_string(s.setconfig, ',')"
          + " FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()",
      "SELECT 'large object ' || m.oid || ' ' || pg_get_userbyid(m.lomowner) || ' '"
          + " || coalesce((SELECT md5(string_agg(l.data, ''::bytea ORDER BY l.pageno)) FROM pg_largeobject l"
          + "   WHERE l.loid = m.oid), '') FROM pg_largeobject_metadata m",
      "SELECT 'prepared transaction ' || gid FROM pg_prepared_xacts WHERE database = current_database()",
      "SELECT 'session ' || backend_type FROM pg_stat_activity WHERE datname = current_database()"
          + " AND pid <> pg_backend_pid()");

  private DatabaseFingerprint() {}

  /**
   * Reads the fingerprint of the database a connection is on.
   *
   * @param c the connection (auto-commit)
   * @return the fingerprint, one sorted line per fact
   * @throws SQLException on failure
   */
  public static String of(Connection c) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (String sql : SCHEMA) {
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      }
      List<String[]> relations = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT c.oid::regclass::text, c.relkind FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'S') AND " + USER_NS)) {
        while (rs.next()) {
          relations.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      for (String[] r : relations) {
        String sql = "S".equals(r[1])
            ? "SELECT last_value || ' ' || is_called FROM " + r[0]
            : "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM " + r[0] + " t";
        try (ResultSet rs = s.executeQuery(sql)) {
          rs.next();
          lines.add("rows " + r[0] + " " + rs.getString(1));
        }
      }
    }
    lines.sort(null);
    return String.join("\n", lines);
  }
}
