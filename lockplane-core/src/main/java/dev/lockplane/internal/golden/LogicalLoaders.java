package dev.lockplane.internal.golden;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenSource;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.clone.Script;
import dev.lockplane.internal.sql.ScriptRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;

/**
 * Fills an empty database with a golden's content — the one place that knows which kind of golden
 * is loaded how into a database on a running server (database-level clones, or a server an
 * instance-level golden is built on).
 */
public final class LogicalLoaders {
  private LogicalLoaders() {}

  /**
   * Loads a golden into an empty database.
   *
   * @param golden what to load
   * @param target the empty database; the caller discards it when this fails
   * @return the time the loaded data is from
   * @throws LockplaneException with {@code UNSUPPORTED} for goldens that are not loaded into a
   *     database (physical sources, a database copied on the same server)
   */
  public static Instant load(Golden golden, GoldenTarget target) {
    return load(golden, target, new PreparationReports());
  }

  /**
   * Loads a golden into an empty database, collecting the reports of its preparation stages (what a
   * subset kept, what masking did).
   *
   * @param golden what to load
   * @param target the empty database; the caller discards it when this fails
   * @param reports receives the reports of a prepared golden
   * @return the time the loaded data is from
   * @throws LockplaneException with {@code UNSUPPORTED} for goldens that are not loaded into a
   *     database (physical sources, a database copied on the same server)
   */
  public static Instant load(Golden golden, GoldenTarget target, PreparationReports reports) {
    Objects.requireNonNull(golden, "golden");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reports, "reports");
    if (golden instanceof Golden.Prepared p) {
      return GoldenPreparation.load(p, target, reports);
    }
    if (golden instanceof Golden.FromScripts s) {
      return runScripts(s, target);
    }
    if (golden instanceof Golden.FromServer s && s.transfer() == Golden.Transfer.LOGICAL) {
      return ServerDump.load(s, target);
    }
    if (golden instanceof Golden.FromSource s && s.source().form() == GoldenSource.Form.LOGICAL) {
      return s.source().load(target);
    }
    if (!isLogical(golden)) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED,
          "A golden from " + golden.describe() + " is a data directory and needs instance-level clones"
              + " (lockplane-zfs); database-level clones load logical sources only (scripts, a database,"
              + " a server with Transfer.LOGICAL, a logical backup).");
    }
    if (MigrationGoldens.handles(golden)) {
      return MigrationGoldens.load(golden, target);
    }
    throw new LockplaneException(ErrorCode.UNSUPPORTED,
        "A golden from " + golden.describe() + " is made by the server itself (CREATE DATABASE … TEMPLATE), not loaded.");
  }

  /**
   * Says whether a golden is loaded into a database (as opposed to a data directory).
   *
   * @param golden the golden
   * @return false for physical sources
   */
  public static boolean isLogical(Golden golden) {
    if (golden instanceof Golden.Prepared p) {
      return isLogical(p.source());
    }
    if (golden instanceof Golden.FromServer s) {
      return s.transfer() == Golden.Transfer.LOGICAL;
    }
    return !(golden instanceof Golden.FromSource s) || s.source().form() == GoldenSource.Form.LOGICAL;
  }

  private static Instant runScripts(Golden.FromScripts scripts, GoldenTarget target) {
    if (scripts.scripts().isEmpty()) {
      return Instant.now();
    }
    Properties p = new Properties();
    p.setProperty("user", target.user());
    target.password().ifPresent(pw -> p.setProperty("password", pw));
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), p)) {
      c.setAutoCommit(true);
      for (Script s : scripts.scripts()) {
        ScriptRunner.run(c, s);
      }
    } catch (SQLException e) {
      throw new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot connect to the golden being built in database "
          + target.database() + ": " + dev.lockplane.internal.clone.Secrets.scrub(e.getMessage(), target.password().orElse(null)));
    }
    return Instant.now();
  }
}
