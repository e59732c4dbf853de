package dev.lockplane.internal.subset;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Golden;
import dev.lockplane.clone.GoldenTarget;
import dev.lockplane.golden.Subset;
import dev.lockplane.golden.SubsetReport;
import dev.lockplane.internal.clone.Secrets;
import dev.lockplane.internal.golden.LogicalLoaders;
import dev.lockplane.internal.golden.ServerSchema;
import dev.lockplane.internal.sql.Identifiers;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

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
   * @param report receives what the subset kept, which the caller keeps with the golden
   * @return the time the data is from, or null when unknown
   */
  public static Instant load(Golden source, Subset subset, GoldenTarget target, Consumer<SubsetReport> report) {
    Loaded loaded = loadWithReport(source, subset, target);
    report.accept(loaded.report());
    return loaded.dataAt();
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
    LOG.log(Level.DEBUG, () -> "Subset report of golden database " + target.database() + ":\n"
        + String.join("\n", loaded.report().lines()));
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
      List<Catalog.View> views;
      try {
        views = Catalog.viewsOn(source.connection(), plan.dropped());
      } catch (SQLException e) {
        throw source.failure("find the views on the dropped tables", e);
      }
      List<String[]> excluded = new ArrayList<>();
      plan.dropped().forEach(t -> excluded.add(new String[] {t.schema(), t.name()}));
      views.forEach(v -> excluded.add(new String[] {v.schema(), v.name()}));
      source.restorePreData(excluded);
      SubsetReports.Builder report = dropped(plan, views);
      try (Connection c = connect(target)) {
        Closure.run(plan, new CopiedRows(source.connection(), c), report, target::progress);
        source.copySequences(c);
      } catch (SQLException e) {
        throw targetFailure(target, "copy the subset's rows", e);
      }
      source.restorePostData();
      try (Connection c = connect(target)) {
        List<String> populated = materializedViews(source.connection(), true);
        // those on dropped tables were dropped with them
        populated.retainAll(materializedViews(c, false));
        refresh(c, populated);
      } catch (SQLException e) {
        throw targetFailure(target, "refresh the materialized views", e);
      }
      return new Loaded(source.dataAt(), report.build());
    }
  }

  private static Loaded inPlace(Golden source, Subset subset, GoldenTarget target) {
    Instant at = source instanceof Golden.FromDatabase ? null : LogicalLoaders.load(source, target);
    try (Connection c = connect(target)) {
      SubsetPlan plan = SubsetPlan.resolve(subset, Catalog.read(c));
      List<Catalog.View> views = Catalog.viewsOn(c, plan.dropped());
      SubsetReports.Builder report = dropped(plan, views);
      InPlaceRows rows = new InPlaceRows(c, plan, views);
      Closure.run(plan, rows, report, target::progress);
      rows.finish();
      // a materialized view still shows the rows left out until it is refreshed
      refresh(c, materializedViews(c, true));
      return new Loaded(at, report.build());
    } catch (SQLException e) {
      throw targetFailure(target, "subset the golden", e);
    }
  }

  /** A report that starts with the tables dropped, and the views on them that go with them. */
  private static SubsetReports.Builder dropped(SubsetPlan plan, List<Catalog.View> views) {
    SubsetReports.Builder report = new SubsetReports.Builder();
    plan.dropped().forEach(t -> report.dropped(t.display()));
    views.forEach(v -> report.dropped(v.display() + " (" + (v.materialized() ? "materialized " : "")
        + "view on a dropped table)"));
    return report;
  }

  /** The (populated) materialized views, in the order they were made (one may read another). */
  private static List<String> materializedViews(Connection c, boolean populated) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_class c"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm'" + (populated ? " AND c.relispopulated" : "") + " ORDER BY c.oid")) {
      while (rs.next()) {
        out.add(Identifiers.qualified(rs.getString(1), rs.getString(2)));
      }
    }
    return out;
  }

  private static void refresh(Connection c, List<String> views) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String v : views) {
        s.execute("REFRESH MATERIALIZED VIEW " + v);
      }
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
