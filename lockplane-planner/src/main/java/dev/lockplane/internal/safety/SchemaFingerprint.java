package dev.lockplane.internal.safety;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A SHA-256 over a normalized description of a database's user schema: relations, columns with types,
 * defaults and nullability, constraints, indexes, enum labels. Lines are sorted, so column order and
 * catalog order do not matter (a rollback that re-adds a dropped column at the end still matches).
 */
public final class SchemaFingerprint {
  private SchemaFingerprint() {}

  private static final String USER = " n.nspname NOT IN ('pg_catalog', 'information_schema')"
      + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

  static final String QUERY = "SELECT coalesce(string_agg(line, E'\\n' ORDER BY line), '') FROM ("
      + " SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text AS line FROM pg_class c"
      + "   JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND" + USER
      + " UNION ALL SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' '"
      + "   || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END"
      + "   || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || coalesce(' generated ' || nullif(a.attgenerated::text, ''), '')"
      + "   || coalesce(' identity ' || nullif(a.attidentity::text, ''), '')"
      + "   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + "   LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
      + "   WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND" + USER
      + " UNION ALL SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || k.conname || ' '"
      + "   || pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END"
      + "   FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + "   WHERE" + USER
      + " UNION ALL SELECT 'index ' || n.nspname || ' ' || pg_get_indexdef(i.indexrelid)"
      + "   || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END"
      + "   FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      + "   WHERE" + USER
      + " UNION ALL SELECT 'enum ' || n.nspname || '.' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)"
      + "   FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace"
      + "   WHERE" + USER + " GROUP BY n.nspname, t.typname"
      + ") s";

  /**
   * Returns the normalized description the fingerprint hashes (one line per object, sorted).
   *
   * @param c a connection to the database
   * @return the description
   * @throws SQLException on a database error
   */
  public static String describe(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Returns the fingerprint.
   *
   * @param c a connection to the database
   * @return 64 hex digits
   * @throws SQLException on a database error
   */
  public static String of(Connection c) throws SQLException {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(describe(c).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
