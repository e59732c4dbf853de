package dev.lockplane.internal.subset;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.golden.Subset;
import dev.lockplane.internal.clone.Secrets;
import dev.lockplane.internal.golden.LogicalLoaders;
import dev.lockplane.internal.golden.ServerSchema;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;

/**
 * Loads a subset of a golden's source into the golden being built. A logical server source is
 * read in pieces from one snapshot — its schema without keys or indexes, then only the kept rows,
 * then its keys, indexes and constraints — so a small subset of a large source costs little more
 * than the rows it keeps. Every other source is loaded whole and subset in place.
 */
public final class Subsetter {
  private static final System.Logger LOG = System.getLogger(Subsetter.class.getName());

  private Subsetter() {}

  /**
   * Loads only the subset's rows of the source into the target.
   *
   * @param source the golden's source
   * @param subset which rows to keep
   * @param target the golden being built; for a {@link Golden.FromDatabase} source it already holds
   *     the copy the server made
   * @return the time the data is from, or null when unknown
   */
  public static Instant load(Golden source, Subset subset, GoldenTarget target) {
    return loadWithReport(source, subset, target).dataAt();
  }

  /** The time of a subset's data and what it kept. */
  record Loaded(Instant dataAt, SubsetReport report) {}

  static Loaded loadWithReport(Golden source, Subset subset, GoldenTarget target) {
    if (!LogicalLoaders.isLogical(source)) {
      throw new LockplaneException(ErrorCode.UNSUPPORTED, "A subset of " + source.describe() + " is not possible: a"
          + " physical source is copied file by file, not row by row. Read the source logically (Transfer.LOGICAL)"
          + " to subset it.");
    }
    long t0 = System.nanoTime();
    Loaded loaded = source instanceof Golden.FromServer s ? fromServer(s, subset, target) : inPlace(source, subset, target);
    target.progress("Subset " + subset.describe() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms:");
    for (String line : loaded.report().lines()) {
      target.progress("  " + line);
    }
    LOG.log(Level.INFO, "Subset of " + source.describe() + " in " + target.database() + ": "
        + String.join("; ", loaded.report().lines()));
    return loaded;
  }

  private static Loaded fromServer(Golden.FromServer golden, Subset subset, GoldenTarget target) {
    try (ServerSchema source = ServerSchema.open(golden, target)) {
      SubsetPlan plan;
      try {
        plan = SubsetPlan.resolve(subset, Catalog.read(source.connection()));
      } catch (SQLException e) {
        throw source.failure("read the catalog", e);
      }
      source.restorePreData(plan.dropped().stream().map(t -> new String[] {t.schema(), t.name()}).toList());
      SubsetReport.Builder report = new SubsetReport.Builder();
      plan.dropped().forEach(t -> report.dropped(t.display()));
      try (Connection c = connect(target)) {
        Closure.run(plan, new CopiedRows(source.connection(), c), report, target::progress);
        source.copySequences(c);
      } catch (SQLException e) {
        throw targetFailure(target, "copy the subset's rows", e);
      }
      source.restorePostData();
      return new Loaded(source.dataAt(), report.build());
    }
  }

  private static Loaded inPlace(Golden source, Subset subset, GoldenTarget target) {
    Instant at = source instanceof Golden.FromDatabase ? null : LogicalLoaders.load(source, target);
    try (Connection c = connect(target)) {
      SubsetPlan plan = SubsetPlan.resolve(subset, Catalog.read(c));
      SubsetReport.Builder report = new SubsetReport.Builder();
      plan.dropped().forEach(t -> report.dropped(t.display()));
      InPlaceRows rows = new InPlaceRows(c, plan);
      Closure.run(plan, rows, report, target::progress);
      rows.finish();
      return new Loaded(at, report.build());
    } catch (SQLException e) {
      throw targetFailure(target, "subset the golden", e);
    }
  }

  private static Connection connect(GoldenTarget target) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", target.user());
    target.password().ifPresent(pw -> p.setProperty("password", pw));
    p.setProperty("ApplicationName", "lockplane-subset");
    Connection c = DriverManager.getConnection(target.jdbcUrl(), p);
    c.setAutoCommit(true);
    return c;
  }

  private static LockplaneException targetFailure(GoldenTarget target, String what, SQLException e) {
    String pw = target.password().orElse(null);
    return new LockplaneException(ErrorCode.DATABASE_ERROR, "Cannot " + what + " in database " + target.database()
        + ": " + Secrets.scrub(e.getMessage(), pw) + ". Nothing of it became a golden.", Secrets.cause(e, pw));
  }
}
