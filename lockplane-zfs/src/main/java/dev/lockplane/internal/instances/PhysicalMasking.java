package dev.lockplane.internal.instances;

import dev.lockplane.golden.Masking;
import dev.lockplane.internal.golden.GoldenPreparation;
import dev.lockplane.internal.golden.PreparationReports;
import dev.lockplane.internal.sql.Identifiers;
import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Masks a golden copied physically (a base backup of a server, a physical backup), while the
 * recovered copy runs privately: its data directory holds every database of the source, so the
 * golden keeps only the masked database — every other database is dropped, {@code postgres} and
 * {@code template1} made again, empty, from {@code template0} — and then the masking runs as for a
 * logical golden (rewrite, statistics, checkpoint). The WAL of the source and of the masking is
 * removed afterwards with {@link MaskedWal}, as for every masked golden.
 */
final class PhysicalMasking {
  private PhysicalMasking() {}

  /**
   * Masks the copy.
   *
   * @param cfg the manager's configuration (the database to keep, the listener)
   * @param pg the recovered copy's server
   * @param masking the rules
   * @param reports receives the masking report
   * @throws SQLException when a database cannot be dropped or made
   */
  static void apply(ManagerConfig cfg, LocalPostgres pg, Masking masking, PreparationReports reports)
      throws SQLException {
    String keep = cfg.database();
    List<String> others = new ArrayList<>();
    try (Connection c = pg.connect(keep); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(
          "SELECT datname FROM pg_database WHERE datname NOT IN ('template0', " + Identifiers.literal(keep) + ")"
              + " ORDER BY datname")) {
        while (rs.next()) {
          others.add(rs.getString(1));
        }
      }
      for (String db : others) {
        String q = Identifiers.quote(db);
        // a template cannot be dropped; FORCE ends sessions the recovered copy may have
        s.execute("ALTER DATABASE " + q + " IS_TEMPLATE false");
        s.execute("DROP DATABASE " + q + " WITH (FORCE)");
        if (db.equals("postgres") || db.equals("template1")) {
          s.execute("CREATE DATABASE " + q + " TEMPLATE template0" + (db.equals("template1") ? " IS_TEMPLATE true" : ""));
        }
      }
    }
    if (!others.isEmpty()) {
      cfg.listener().progress("golden", "kept only database " + keep + " of the physical copy for masking: dropped "
          + String.join(", ", others) + " (postgres and template1 made again, empty)");
    }
    GoldenPreparation.mask(masking, InstanceGoldenTarget.logical(pg, keep, cfg.listener()), reports);
    reports.masking().ifPresent(r -> cfg.listener().progress("golden", "masking report: " + r.render().strip()));
    MaskedWal.switchSegment(pg);
  }
}
