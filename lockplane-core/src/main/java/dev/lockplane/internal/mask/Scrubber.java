package dev.lockplane.internal.mask;

import dev.lockplane.internal.sql.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Leaves no original value of a masked column in the golden database's files once its tables are
 * rewritten: materialized views are refreshed (a new file each), the statistics that sampled the
 * original values (most common values, histograms, extended statistics) are deleted and their
 * catalogs rewritten before ANALYZE samples the masked data, and a checkpoint removes the files of
 * the old relations.
 *
 * <p>Autovacuum needs no switching off: an ANALYZE that sampled original values holds a lock that
 * the rewrite of its table waits for, so it has finished before the statistics are purged, and
 * every later one sees masked rows only.
 */
final class Scrubber {
  private Scrubber() {}

  static void scrub(Connection c, Collection<String> maskedTables) throws SQLException {
    try (Statement s = c.createStatement()) {
      List<String> views = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
          + " ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND c.relispopulated ORDER BY 1, 2")) {
        while (rs.next()) {
          views.add(Identifiers.qualified(rs.getString(1), rs.getString(2)));
        }
      }
      for (String v : views) {
        s.execute("REFRESH MATERIALIZED VIEW " + v);
      }
      s.execute("DELETE FROM pg_catalog.pg_statistic");
      s.execute("DELETE FROM pg_catalog.pg_statistic_ext_data");
      s.execute("VACUUM (FULL) pg_catalog.pg_statistic");
      s.execute("VACUUM (FULL) pg_catalog.pg_statistic_ext_data");
      s.execute("ANALYZE");
      s.execute("CHECKPOINT");
    }
  }
}
