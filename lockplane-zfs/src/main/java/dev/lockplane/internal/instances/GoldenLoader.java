package dev.lockplane.internal.instances;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenSource;
import dev.lockplane.internal.golden.PreparationReports;
import dev.lockplane.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Puts a golden's data into a fresh golden volume, by the kind of golden: physical kinds fill the
 * empty data directory before any server runs on it; logical kinds fill the golden database while
 * the fresh cluster runs.
 */
final class GoldenLoader {
  private GoldenLoader() {}

  /** Whether the golden arrives as a whole data directory rather than as a database's content. */
  static boolean physical(Golden g) {
    return g instanceof Golden.FromServer fs && fs.transfer() == Golden.Transfer.PHYSICAL
        || g instanceof Golden.FromSource src && src.source().form() == GoldenSource.Form.PHYSICAL;
  }

  /**
   * Fills the empty (not yet existing) data directory of a physical golden.
   *
   * @param golden the physical source (the golden itself, or the source of a masked golden)
   * @return the time the data is from
   */
  static Instant loadDirectory(ManagerConfig cfg, Golden golden, Path data) {
    if (golden instanceof Golden.FromServer fs) {
      BaseBackup.Source src = BaseBackup.Source.of(fs);
      int major = BaseBackup.probe(src);
      checkVersion(cfg, major, "the source " + src);
      cfg.listener().progress("golden", "base backup of " + src + " (PostgreSQL " + major + ")");
      return BaseBackup.run(src, major, data, null);
    }
    GoldenSource source = ((Golden.FromSource) golden).source();
    cfg.listener().progress("golden", "loading " + source.describe());
    Instant at = source.load(InstanceGoldenTarget.physical(data, cfg.version(), cfg.listener()));
    return at == null ? Instant.now() : at;
  }

  /**
   * Fills the golden database on the fresh cluster.
   *
   * @param reports receives the reports of a prepared (subset, masked) golden
   * @return the time the data is from, or {@code null} when it is from now (scripts)
   */
  static Instant loadDatabase(ManagerConfig cfg, LocalPostgres pg, PreparationReports reports) throws SQLException {
    Golden g = cfg.golden();
    if (g instanceof Golden.FromScripts fs) {
      if (!fs.scripts().isEmpty()) {
        try (Connection c = pg.connect(cfg.database())) {
          for (var script : fs.scripts()) {
            cfg.listener().progress("golden", "running script " + script.name());
            dev.lockplane.internal.sql.ScriptRunner.run(c, script);
          }
        }
      }
      return null;
    }
    if (g instanceof Golden.FromDatabase) {
      return null; // an empty database of that name, as instance clones always made it
    }
    // a server's dump, Flyway, Liquibase, a logical backup or a user's source: core's one dispatch
    cfg.listener().progress("golden", "loading " + g.describe() + " into database " + cfg.database());
    Instant at = dev.lockplane.internal.golden.LogicalLoaders.load(
        g, InstanceGoldenTarget.logical(pg, cfg.database(), cfg.listener()), reports);
    reports.masking().ifPresent(r -> cfg.listener().progress("golden", "masking report: " + r.render().strip()));
    return at == null ? Instant.now() : at;
  }

  /** Refuses a physical golden whose major version is not the clones' version. */
  static void checkVersion(ManagerConfig cfg, int major, String what) {
    if (major != cfg.version()) {
      throw new LockplaneException(ErrorCode.INVALID_CONFIGURATION, "The clones run PostgreSQL " + cfg.version()
          + ", but " + what + " runs PostgreSQL " + major + "; a physical golden runs on its source's major version."
          + " Ask for version(" + major + ").");
    }
  }
}
